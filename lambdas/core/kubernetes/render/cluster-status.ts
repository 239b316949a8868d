import { CLUSTER_DNS_NAMESPACE, CLUSTER_DNS_SERVICE } from '../cluster-dns.js';
import type { Node, Pod, Service } from '../types.js';
import { renderGetServices } from './get-tables.js';
import { formatTabbed, GET_TABS } from './tab-writer.js';
import { since } from './time-format.js';

/** How a Kubernetes API read failed, independent of the client library. */
export interface ApiFailure {
  /**
   * `http`: the server answered with an error status; `connection`/`timeout`/`tls`: it did not
   * answer usefully (refused, the connection timed out, TLS or name resolution failed);
   * `deadline`: Paramedic's own limit on the read ran out first (`message` names the read and the
   * limit), which by itself says nothing about the server's reachability (a slow log stream).
   */
  readonly kind: 'http' | 'connection' | 'timeout' | 'tls' | 'deadline' | 'other';
  /** `host:port` of the API server. */
  readonly server: string;
  readonly status?: number;
  /** metav1.Status reason (NotFound, Forbidden, TooManyRequests, InternalError, ...); '' when the Status had none; undefined when there was no Status body. */
  readonly reason?: string;
  readonly message: string;
}

/** The line kubectl prints for a failed request, e.g. `Error from server (NotFound): pods "x" not found`. */
export function formatApiFailure(f: ApiFailure): string {
  switch (f.kind) {
    case 'connection':
      return `The connection to the server ${f.server} was refused - did you specify the right host or port?`;
    case 'timeout':
      return `Unable to connect to the server: dial tcp ${f.server}: i/o timeout`;
    case 'tls':
      return `Unable to connect to the server: ${f.message}`;
    // Not kubectl's "Unable to connect": that names a server that cannot be reached, and a read
    // cut at Paramedic's limit beside others the server answered is no outage.
    case 'deadline':
      return `Paramedic: ${f.message} (no answer within Paramedic's limit for one read)`;
    case 'http':
      // kubectl omits the parenthesised reason when the Status body carries none (StatusReasonUnknown).
      if (f.reason === '') return `Error from server: ${f.message}`;
      return `Error from server (${f.reason ?? statusReason(f.status)}): ${f.message}`;
    default:
      return `error: ${f.message}`;
  }
}

/** A read the API server answered 404: the object does not exist (not a failure to read it). */
export function isNotFound(f: ApiFailure): boolean {
  return f.kind === 'http' && f.status === 404;
}

function statusReason(status: number | undefined): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return 'Unknown';
  }
}

/** `kubectl get nodes` STATUS: Ready / NotReady / Unknown, plus `,SchedulingDisabled` when cordoned. */
export function nodeStatusColumn(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  let status = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  if (node.spec?.unschedulable) status += ',SchedulingDisabled';
  return status;
}

/** `kubectl get nodes` (NAME STATUS ROLES AGE VERSION). */
export function renderGetNodes(nodes: readonly Node[], now: Date): string {
  if (nodes.length === 0) return 'No resources found\n';
  const rows = nodes.map((n) => {
    const roles = Object.keys(n.metadata?.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.split('/')[1])
      .filter(Boolean)
      .sort();
    return `${n.metadata?.name ?? ''}\t${nodeStatusColumn(n)}\t${roles.length ? roles.join(',') : '<none>'}\t${since(n.metadata?.creationTimestamp, now)}\t${n.status?.nodeInfo?.kubeletVersion ?? ''}`;
  });
  return formatTabbed(`NAME\tSTATUS\tROLES\tAGE\tVERSION\n${rows.join('\n')}\n`, GET_TABS);
}

/** The result of one API read: its value, or how it failed. */
export type ReadOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: ApiFailure };

/** What the cluster reader learned about the control plane and cluster add-ons. */
export interface ClusterStatus {
  readonly server: string;
  /** Body of `/readyz?verbose` and its HTTP status. */
  readonly readyz: ReadOutcome<{ readonly status: number; readonly body: string }>;
  readonly version: ReadOutcome<{ readonly gitVersion: string }>;
  readonly nodes: ReadOutcome<readonly Node[]>;
  readonly coreDns: ReadOutcome<readonly Pod[]>;
  /**
   * The cluster DNS Service, `kube-system/kube-dns`: its ClusterIP is the resolver kubelet's
   * clusterDNS and pods' resolv.conf should name. A 404 is a cluster that names it otherwise,
   * rendered as a neutral line.
   */
  readonly dnsService: ReadOutcome<Service>;
}

/** Renders the k8s.cluster section: cluster-info, version, /readyz, nodes, CoreDNS readiness and the cluster DNS Service, kubectl wording throughout. */
export function renderClusterStatus(s: ClusterStatus, now: Date): string {
  const out: string[] = [];
  // No read of the server answered at all, not even within Paramedic's limit: that is the server
  // unreachable, and said in kubectl's words so it reads as one.
  const unreachable = [s.version, s.readyz, s.nodes].every(
    (r) => !r.ok && r.failure.kind !== 'http',
  );
  const failed = (f: ApiFailure) =>
    unreachable && f.kind === 'deadline'
      ? `Unable to connect to the server: ${f.message}`
      : formatApiFailure(f);
  out.push('$ kubectl cluster-info');
  if (!s.version.ok) {
    out.push(failed(s.version.failure));
  } else {
    out.push(`Kubernetes control plane is running at ${s.server}`);
    if (s.coreDns.ok && s.coreDns.value.length > 0)
      out.push(
        `CoreDNS is running at ${s.server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`,
      );
  }
  out.push('', '$ kubectl version');
  out.push(
    !s.version.ok ? failed(s.version.failure) : `Server Version: ${s.version.value.gitVersion}`,
  );
  out.push('', "$ kubectl get --raw '/readyz?verbose'");
  if (!s.readyz.ok) out.push(failed(s.readyz.failure));
  else {
    const body = s.readyz.value.body.replace(/\n+$/, '');
    if (s.readyz.value.status >= 200 && s.readyz.value.status < 300) out.push(body);
    else
      out.push(
        `Error from server (InternalError): an error on the server ("${body.replace(/\n/g, '\\n')}") has prevented the request from succeeding`,
        body,
      );
  }
  out.push('', '$ kubectl get nodes');
  out.push(
    !s.nodes.ok ? failed(s.nodes.failure) : renderGetNodes(s.nodes.value, now).replace(/\n$/, ''),
  );
  out.push('', '$ kubectl -n kube-system get pods -l k8s-app=kube-dns');
  if (!s.coreDns.ok) out.push(failed(s.coreDns.failure));
  else {
    const ready = s.coreDns.value.filter((p) =>
      (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    out.push(`CoreDNS: ${ready}/${s.coreDns.value.length} pods ready`);
  }
  out.push('', `$ kubectl -n ${CLUSTER_DNS_NAMESPACE} get service ${CLUSTER_DNS_SERVICE}`);
  if (s.dnsService.ok) out.push(renderGetServices([s.dnsService.value], now).replace(/\n$/, ''));
  // Not kubectl's `Error from server (NotFound): services "kube-dns" not found`: that line reads as
  // an ingress backend's Service missing (ingress-backend-misconfigured), and a cluster whose DNS
  // Service is named coredns is not broken.
  else if (isNotFound(s.dnsService.failure))
    out.push(`(no Service ${CLUSTER_DNS_SERVICE} in ${CLUSTER_DNS_NAMESPACE})`);
  else out.push(failed(s.dnsService.failure));
  return `${out.join('\n')}\n`;
}
