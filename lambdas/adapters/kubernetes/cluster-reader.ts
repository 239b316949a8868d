import { request as httpsRequest, type RequestOptions } from 'node:https';
import { INCOMPLETE_MARK } from '../../core/evidence/incomplete-section.js';
import { ApiException } from '@kubernetes/client-node';
import pMap from 'p-map';
import { DEFAULT_LOOKBACK_MINUTES } from '../../core/classify/incident-window.js';
import {
  EVIDENCE_SCHEMA,
  type EvidenceBundle,
  type EvidenceSection,
  type IncidentTime,
} from '../../core/evidence/bundle.js';
import {
  ingressServiceNames,
  resolveIngressBackends,
  servicesSelectingPod,
} from '../../core/kubernetes/ingress-backends.js';
import {
  judgeFlow,
  policiesSelectingPod,
  type FlowJudgement,
} from '../../core/kubernetes/network-policy.js';
import {
  formatApiFailure,
  renderClusterStatus,
  type ApiFailure,
  type ReadOutcome,
} from '../../core/kubernetes/render/cluster-status.js';
import {
  CLUSTER_DNS_NAMESPACE,
  CLUSTER_DNS_PODS,
  CLUSTER_DNS_PORT,
  CLUSTER_DNS_PROTOCOL,
  CLUSTER_DNS_SERVICE,
  defaultNamespaceLabels,
} from '../../core/kubernetes/cluster-dns.js';
import { renderNetworkPolicySection } from '../../core/kubernetes/render/describe-network.js';
import { eventLastSeen } from '../../core/kubernetes/render/describe-common.js';
import { renderDescribeNode } from '../../core/kubernetes/render/describe-node.js';
import { renderDescribePod } from '../../core/kubernetes/render/describe-pod.js';
import {
  renderBackendCheck,
  renderDescribeIngress,
  renderDescribeService,
} from '../../core/kubernetes/render/describe-service.js';
import {
  podStatusColumns,
  renderGetEvents,
  renderGetPods,
} from '../../core/kubernetes/render/get-tables.js';
import type {
  Endpoints,
  Event,
  Ingress,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Service,
} from '../../core/kubernetes/types.js';
import type { Clock } from '../../core/ports.js';
import { retryAfterSeconds, toApiFailure } from './api-errors.js';
import { abortOn, withTimeout } from './request-timeout.js';
import { realSleep } from './executor.js';
import type { KubeAccess, KubeClients } from './kube-access.js';
import { listAllPages, type ListBounds, type ListPage } from './paged-list.js';

/** Times a read answered 429 is tried again. */
const THROTTLED_RETRIES = 3;

/** How long to wait before reading again after a 429: its Retry-After (1 s without one), at most 5 s. */
function throttledFor(error: unknown): number | undefined {
  if (!(error instanceof ApiException) || error.code !== 429) return undefined;
  return Math.min((retryAfterSeconds(error) ?? 1) * 1000, 5_000);
}

/** Targets of one cluster read at a time (each is ~10 requests in flight at its widest). */
const TARGETS_AT_ONCE = 8;

/**
 * Objects whose events a pod target reads (the pod, its owners, the services and ingresses in
 * front of it), one list each by field selector as `kubectl describe` reads them: a namespace's
 * whole event list is thousands long in a busy namespace, and a cut one hides the pod's events.
 */
const MAX_EVENT_OBJECTS = 20;

/** A list's items, and where it stopped when its bounds cut it. */
interface ListItems<T> {
  readonly items: T[];
  readonly cut?: string;
}

/** Events of several objects: their items, the failed reads (kubectl's wording) and the cut lists. */
interface ObjectEvents {
  readonly items: Event[];
  readonly errors: string[];
  readonly cuts: string[];
}

/** The cut notes of list reads that were cut (a failed read has none). */
const cutsOf = (...reads: ReadOutcome<{ cut?: string }>[]): string[] =>
  reads.flatMap((r) => (r.ok && r.value.cut ? [r.value.cut] : []));

/** A list read: its outcome, and the note when it was cut at its bound. */
interface ListRead {
  readonly outcome: ReadOutcome<ListItems<unknown>>;
  readonly cut?: string;
}

/**
 * The clients of one target's collection, the lists it had to cut short, and the lists every
 * target of the batch shares (namespace- and node-wide lists, by what they list): at 50 pods of
 * one namespace, its services are listed once, not 50 times.
 */
type Session = KubeClients & {
  readonly cut: string[];
  readonly shared: Map<string, Promise<unknown>>;
};

/** What to collect about: a node, or a pod (its node is read too). */
export interface ClusterTarget {
  readonly cluster?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
  /** When the incident began (the alarm's state change, RFC 3339); default: the time of collection. */
  readonly incidentTime?: string;
  /** Events that last happened, and log lines logged, more than this long before the incident are left out; default 15. */
  readonly lookbackMinutes?: number;
  /** On a read that verifies a fix (RFC 3339): events last seen before it are left out; one that recurred after it stays. */
  readonly remediatedAt?: string;
}

/** Bounds and knobs of one collection. */
export interface ClusterReadOptions {
  readonly clock: Clock;
  /** Lines of each container log (current and previous). Default 100. */
  readonly logTailLines?: number;
  /** Byte cap per log read. Default 32 KiB. */
  readonly logLimitBytes?: number;
  /** Byte cap per section (the head is dropped, the tail kept). Default 64 KiB. */
  readonly maxSectionBytes?: number;
  /** Per-request timeout (each page of a list is a request). Default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * One list's time, all its pages and their 429 retries together (and never past the deadline).
   * Default 60 s: without a deadline (a local run) twenty slow pages must not hold the read for minutes.
   */
  readonly listTimeoutMs?: number;
  /** Extra flows to judge against NetworkPolicies: ingress to the target pod from these pods (`ns/name`). */
  readonly ingressFrom?: readonly {
    readonly namespace: string;
    readonly pod: string;
    readonly port?: number;
    readonly protocol?: string;
  }[];
  /** Most unhealthy pods of a node described in full. Default 5. */
  readonly maxDescribedPods?: number;
  /** Page size and caps of every list (a big cluster is read in pages, never unbounded). */
  readonly listBounds?: ListBounds;
  /**
   * Epoch ms by which reading must stop (the Lambda invocation's, less its margin); undefined: none.
   * Past it no target starts, no 429 is waited out, and a request's timeout is what time is left.
   */
  readonly deadline?: () => number | undefined;
}

const DEFAULTS = {
  logTailLines: 100,
  logLimitBytes: 32 * 1024,
  maxSectionBytes: 64 * 1024,
  requestTimeoutMs: 10_000,
  listTimeoutMs: 60_000,
  maxDescribedPods: 5,
};

/** Keeps the tail of an output within `maxBytes` (the evidence-bundle convention: head dropped). */
export function boundOutput(
  output: string,
  maxBytes: number,
): { output: string; truncated: boolean } {
  const bytes = Buffer.byteLength(output);
  if (bytes <= maxBytes) return { output, truncated: false };
  const buf = Buffer.from(output);
  let tail = buf.subarray(bytes - maxBytes).toString('utf8');
  const nl = tail.indexOf('\n');
  if (nl >= 0 && nl < tail.length - 1) tail = tail.slice(nl + 1);
  return { output: tail, truncated: true };
}

/**
 * client-node's generated model renames NetworkPolicyIngressRule.from to `_from` (a reserved
 * word in its generator); put it back so the core sees the API's field names.
 */
export function normalizeNetworkPolicy(policy: NetworkPolicy): NetworkPolicy {
  const spec = policy.spec;
  if (!spec?.ingress) return policy;
  const ingress = spec.ingress.map((r) => {
    const renamed = (r as { _from?: typeof r.from })._from;
    return r.from === undefined && renamed !== undefined ? { ...r, from: renamed } : r;
  });
  return { ...policy, spec: { ...spec, ingress } };
}

/** Keeps the events of the incident's window. */
type EventFilter = (events: readonly Event[]) => Event[];

/**
 * The incident window of a collection: events that last happened before it prove nothing about
 * this incident (a BackOff of yesterday), so they are not rendered. On a read that verifies a fix
 * the window starts at the fix, as the classifier's does (incident-window.ts): an event whose last
 * occurrence (series, lastTimestamp, eventTime) is before it is gone, one that recurred after it
 * stays. The rendered LAST SEEN column is relative ("9d"), so this is the one place the event's
 * own time can be judged. Events without a time stay. `from` bounds the pod logs too (collectLogs).
 */
function eventWindow(
  target: ClusterTarget,
  now: Date,
): { keep: EventFilter; from: number; incident: IncidentTime } {
  const atMs = target.incidentTime ? Date.parse(target.incidentTime) : Number.NaN;
  const at = Number.isFinite(atMs) ? new Date(atMs) : now;
  const lookbackMinutes = target.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES;
  const fixedMs = target.remediatedAt ? Date.parse(target.remediatedAt) : Number.NaN;
  const fixed = Number.isFinite(fixedMs) ? fixedMs : null;
  const from = fixed ?? at.getTime() - lookbackMinutes * 60_000;
  return {
    keep: (events) =>
      events.filter((e) => {
        const t = eventLastSeen(e);
        return !(t > 0) || t >= from;
      }),
    from,
    incident: {
      at: at.toISOString(),
      lookbackMinutes,
      ...(fixed !== null ? { remediatedAt: new Date(fixed).toISOString() } : {}),
    },
  };
}

/** One page of a list, read as one request that `signal` aborts. */
type PageFetch = (
  page: { limit: number; _continue?: string },
  signal: AbortSignal,
) => Promise<ListPage<unknown>>;

/** `work` done once per batch under `key`: every later caller gets the first caller's promise. */
function once<T>(c: Session, key: string, work: () => Promise<T>): Promise<T> {
  let pending = c.shared.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = work();
    c.shared.set(key, pending);
  }
  return pending;
}

/** `pod ns/name` or `node name`, as an error line names the target. */
const targetName = (t: ClusterTarget): string =>
  t.pod ? `pod ${t.namespace}/${t.pod}` : `node ${t.node}`;

type Plain<T> = T;
const plain = <T>(v: unknown): Plain<T> => v as T;

/** Reads one pod's or node's state from the Kubernetes API and renders the k8s.* sections. */
export class ClusterReader {
  private readonly o: Required<
    Omit<ClusterReadOptions, 'ingressFrom' | 'listBounds' | 'deadline'>
  > &
    Pick<ClusterReadOptions, 'ingressFrom' | 'listBounds' | 'deadline'>;

  constructor(
    private readonly access: KubeAccess,
    options: ClusterReadOptions,
  ) {
    this.o = { ...DEFAULTS, ...options };
  }

  /**
   * One request, with the request timeout (never past the deadline). A 429 (API Priority and
   * Fairness shedding load, likely while a batch of targets is read during an incident) is tried
   * again after its Retry-After, a few times; other errors, and the last 429, are thrown.
   */
  private async request<T>(
    what: string,
    work: (signal: AbortSignal) => Promise<T>,
    within?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const timeout = Math.max(1, Math.min(this.o.requestTimeoutMs, this.timeLeftMs()));
        return await withTimeout(what, timeout, work, within);
      } catch (error) {
        const retryAfter = throttledFor(error);
        if (
          retryAfter === undefined ||
          attempt > THROTTLED_RETRIES ||
          retryAfter >= this.timeLeftMs()
        )
          throw error;
        await realSleep(retryAfter);
      }
    }
  }

  /** One read, its failure recorded. */
  private async read<T>(
    c: Session,
    what: string,
    work: (signal: AbortSignal) => Promise<unknown>,
  ): Promise<ReadOutcome<T>> {
    try {
      return { ok: true, value: plain<T>(await this.request(what, work)) };
    } catch (error) {
      return { ok: false, failure: toApiFailure(error, c.server) };
    }
  }

  /** Milliseconds until the deadline (Infinity without one). */
  private timeLeftMs(): number {
    const deadline = this.o.deadline?.();
    return deadline === undefined
      ? Number.POSITIVE_INFINITY
      : deadline - this.o.clock.now().getTime();
  }

  /**
   * A list read through every page (bounded); a list cut short is noted for k8s.cluster, and its
   * `cut` says so to the section that renders it. With `sharedAs`, the batch reads it once and every
   * target that asks gets that read.
   */
  private async readList<T>(
    c: Session,
    what: string,
    fetchPage: PageFetch,
    sharedAs?: string,
  ): Promise<ReadOutcome<ListItems<T>>> {
    const list = () => this.listOnce(c, what, fetchPage);
    const { outcome, cut } = await (sharedAs === undefined ? list() : once(c, sharedAs, list));
    if (cut) c.cut.push(cut);
    return outcome as ReadOutcome<ListItems<T>>;
  }

  /**
   * The events of the named objects of a namespace, one list each by field selector
   * (`involvedObject.name`, `involvedObject.namespace`), shared by the batch's targets. Past
   * {@link MAX_EVENT_OBJECTS} names the rest are not read, and that is a cut like a list's.
   */
  private async objectEvents(
    c: Session,
    namespace: string,
    names: readonly string[],
  ): Promise<ObjectEvents> {
    const wanted = [...new Set(names.filter((n) => n !== ''))];
    const read = wanted.slice(0, MAX_EVENT_OBJECTS);
    const left = wanted.slice(MAX_EVENT_OBJECTS);
    const reads = await Promise.all(
      read.map((n) =>
        this.readList<Event>(
          c,
          `list events of ${namespace}/${n}`,
          (page, signal) =>
            c.core.listNamespacedEvent(
              {
                namespace,
                fieldSelector: `involvedObject.name=${n},involvedObject.namespace=${namespace}`,
                ...page,
              },
              abortOn(signal),
            ),
          `events of ${namespace}/${n}`,
        ),
      ),
    );
    return {
      items: reads.flatMap((r) => (r.ok ? r.value.items : [])),
      errors: reads.flatMap((r) => (r.ok ? [] : [formatApiFailure(r.failure)])),
      cuts: [
        ...cutsOf(...reads),
        ...(left.length
          ? [
              `events of ${left.length} more related objects not read (at most ${MAX_EVENT_OBJECTS}): ${left.join(', ')}`,
            ]
          : []),
      ],
    };
  }

  private async listOnce(c: Session, what: string, fetchPage: PageFetch): Promise<ListRead> {
    try {
      // Each page is one request: a 429 on a later page reads that page again, not the list.
      // The list's timeout aborts the page in flight too: `whole` ends the page's request.
      const list = await withTimeout(
        `${what} (every page)`,
        Math.max(1, Math.min(this.o.listTimeoutMs, this.timeLeftMs())),
        (whole) =>
          listAllPages(
            (page) => this.request(what, (signal) => fetchPage(page, signal), whole),
            this.o.listBounds,
          ),
      );
      if (!list.cut) return { outcome: { ok: true, value: { items: list.items } } };
      const cut = `${what}: ${list.cut}`;
      return { outcome: { ok: true, value: { items: list.items, cut } }, cut };
    } catch (error) {
      return { outcome: { ok: false, failure: toApiFailure(error, c.server) } };
    }
  }

  /**
   * One section. `cuts` are the lists it was rendered from that stopped at their bounds: the
   * section says so in its output, is marked truncated, and carries an error, so no check reads
   * an absence in it ("No resources found", no pressure event) as proven.
   */
  private section(
    command: string,
    output: string,
    error?: string,
    cuts: readonly string[] = [],
  ): EvidenceSection {
    const cut = [...new Set(cuts)];
    const note = cut.length
      ? `Paramedic: incomplete: lists cut at their bound (the rest was not read, so an absence here proves nothing): ${cut.join('; ')}\n`
      : '';
    const errors = [
      ...(error ? [error] : []),
      ...(cut.length ? [`${INCOMPLETE_MARK}${cut.join(', ')}`] : []),
    ];
    // The head is dropped when the section is too long: the note goes last, where it is kept.
    const b = boundOutput(`${output}${note}`, this.o.maxSectionBytes);
    return {
      command,
      output: b.output,
      truncated: b.truncated || cut.length > 0,
      exitCode: errors.length ? 1 : 0,
      ...(errors.length ? { error: errors.join('; ') } : {}),
    };
  }

  /** GET /readyz?verbose with the client's TLS settings and credentials. */
  private readyz(c: Session): Promise<ReadOutcome<{ status: number; body: string }>> {
    return this.read(c, 'GET /readyz', async (signal) => {
      const url = new URL('/readyz?verbose', c.server);
      const opts: RequestOptions = {
        method: 'GET',
        hostname: url.hostname,
        port: url.port || 443,
        path: `${url.pathname}${url.search}`,
        headers: {},
        signal,
      };
      await c.kubeConfig.applyToHTTPSOptions(opts);
      return await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(opts, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            if (body.length < 16 * 1024) body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        // The request's timeout aborts it through `signal`, as it does the client's requests.
        req.on('error', reject);
        req.end();
      });
    });
  }

  /** Collects every k8s.* section for the target; a failing read is recorded in its section, never thrown. */
  async collect(target: ClusterTarget): Promise<EvidenceBundle> {
    return (await this.collectEach([target]))[0]!;
  }

  /**
   * The same for each target of this cluster, in order. The cluster-wide section (readyz, version,
   * the node list, CoreDNS and its Service) is read once for all of them: at 1,000 targets that is
   * one list of the cluster's nodes, not 1,000, and the API server is not asked the same question
   * per target.
   * At most {@link TARGETS_AT_ONCE} targets are read at a time.
   */
  async collectEach(targets: readonly ClusterTarget[]): Promise<EvidenceBundle[]> {
    const now = this.o.clock.now();
    if (this.timeLeftMs() <= 0) return targets.map((t) => this.outOfTime(t));
    let clients: KubeClients;
    try {
      clients = await this.access.clients();
    } catch (error) {
      return targets.map((t) => this.unreachable(t, now, error));
    }
    const shared = new Map<string, Promise<unknown>>();
    const clusterSession: Session = { ...clients, cut: [], shared };
    const cluster = this.collectCluster(clusterSession, now).then((section) => ({
      section,
      cut: clusterSession.cut,
    }));
    // Each target awaits it (and records a failure); this only keeps a failure that comes before
    // the first target awaits it from being an unhandled rejection, which ends the Lambda.
    cluster.catch(() => undefined);
    return pMap(
      targets,
      async (t) => {
        // Out of time: the target is not started, and its bundle says why (its node evidence stands).
        if (this.timeLeftMs() <= 0) return this.outOfTime(t);
        // Asked again per target: the access keeps its clients until their token nears expiry
        // (two minutes' margin), and a batch on a slow API server can outlast that.
        let own: KubeClients;
        try {
          own = await this.access.clients();
        } catch (error) {
          return this.unreachable(t, this.o.clock.now(), error);
        }
        try {
          return await this.collectTarget({ ...own, cut: [], shared }, t, cluster);
        } catch (error) {
          // One target's failure (a malformed object it could not render) stays in its own bundle.
          return this.failed(t, now, error);
        }
      },
      { concurrency: TARGETS_AT_ONCE },
    );
  }

  private async collectTarget(
    c: Session,
    target: ClusterTarget,
    clusterPart: Promise<{ section: EvidenceSection; cut: readonly string[] }>,
  ): Promise<EvidenceBundle> {
    const now = this.o.clock.now();
    const window = eventWindow(target, now);
    const sections: Record<string, EvidenceSection> = {};
    const pod =
      target.pod && target.namespace
        ? await this.read<Pod>(c, 'read pod', (signal) =>
            c.core.readNamespacedPod(
              { name: target.pod!, namespace: target.namespace! },
              abortOn(signal),
            ),
          )
        : undefined;
    const nodeName = target.node ?? (pod?.ok ? pod.value.spec?.nodeName : undefined);
    const nodePart = nodeName
      ? this.collectNode(c, nodeName, now, !pod, sections, window.keep)
      : Promise.resolve({ items: [] });
    const podPart = pod
      ? this.collectPod(c, target.namespace!, target.pod!, pod, now, sections, nodePart, window)
      : Promise.resolve();
    const [cluster] = await Promise.all([clusterPart, nodePart, podPart]);
    const cut = [...new Set([...cluster.cut, ...c.cut])];
    sections['k8s.cluster'] =
      cut.length > 0
        ? {
            ...cluster.section,
            output: `${cluster.section.output}Paramedic: lists cut at their bound (read in pages; the rest was not read): ${cut.join('; ')}\n`,
            truncated: true,
          }
        : cluster.section;
    const ordered: Record<string, EvidenceSection> = {};
    for (const k of [
      'k8s.cluster',
      'k8s.node',
      'k8s.pods',
      'k8s.events',
      'k8s.pod-logs',
      'k8s.networkpolicies',
      'k8s.services',
    ])
      if (sections[k]) ordered[k] = sections[k]!;
    return {
      schema: EVIDENCE_SCHEMA,
      target: {
        platform: 'eks',
        cluster: target.cluster ?? c.clusterName,
        node: nodeName ?? null,
        namespace: target.namespace ?? null,
        pod: target.pod ?? null,
      },
      collectedAt: now.toISOString(),
      incident: window.incident,
      sections: ordered,
    };
  }

  /**
   * No client at all (DescribeCluster refused, kubeconfig unusable): one k8s.cluster section that
   * says so, with the error set, so the record shows the cluster was tried and why it failed.
   */
  private unreachable(target: ClusterTarget, now: Date, error: unknown): EvidenceBundle {
    const message = (error as Error)?.message ?? String(error);
    return this.errorBundle(
      target,
      now,
      `Unable to reach the Kubernetes API of cluster ${target.cluster ?? '(unknown)'}: ${message}\n`,
      `cluster access failed: ${message}`,
    );
  }

  /** A target not read because the invocation's time ran out before it could start. */
  private outOfTime(target: ClusterTarget): EvidenceBundle {
    return this.errorBundle(
      target,
      this.o.clock.now(),
      `Paramedic did not read the cluster's view of ${targetName(target)}: the function's time ran out first.\n`,
      'not read: the time budget of this step ran out (a slow or throttled API server, or many targets); collect this target again with fewer targets, or check the API server',
    );
  }

  /** A target whose read failed past the per-request handling: its bundle says so, the batch's others stand. */
  private failed(target: ClusterTarget, now: Date, error: unknown): EvidenceBundle {
    const message = (error as Error)?.message ?? String(error);
    return this.errorBundle(
      target,
      now,
      `Paramedic could not read the cluster's view of ${targetName(target)}: ${message}\n`,
      `collection failed: ${message}. The batch's other targets were read; report this with the object's YAML (kubectl get -o yaml)`,
    );
  }

  private errorBundle(
    target: ClusterTarget,
    now: Date,
    output: string,
    error: string,
  ): EvidenceBundle {
    return {
      schema: EVIDENCE_SCHEMA,
      target: {
        platform: 'eks',
        cluster: target.cluster ?? null,
        node: target.node ?? null,
        namespace: target.namespace ?? null,
        pod: target.pod ?? null,
      },
      collectedAt: now.toISOString(),
      sections: { 'k8s.cluster': this.section('kubectl cluster-info', output, error) },
    };
  }

  /** The cluster's CoreDNS pods (read once per batch: the cluster part and every pod's logs use them). */
  private coreDnsPods(c: Session): Promise<ReadOutcome<{ items: Pod[] }>> {
    return this.readList<Pod>(
      c,
      'list coredns pods',
      (page, signal) =>
        c.core.listNamespacedPod(
          {
            namespace: 'kube-system',
            labelSelector: 'k8s-app=kube-dns',
            ...page,
          },
          abortOn(signal),
        ),
      'coredns pods',
    );
  }

  private async collectCluster(c: Session, now: Date): Promise<EvidenceSection> {
    const [readyz, version, nodes, coreDns, dnsService] = await Promise.all([
      this.readyz(c),
      this.read<{ gitVersion: string }>(c, 'GET /version', (signal) =>
        c.version.getCode({}, abortOn(signal)),
      ),
      this.readList<Node>(c, 'list nodes', (page, signal) =>
        c.core.listNode({ ...page }, abortOn(signal)),
      ),
      this.coreDnsPods(c),
      this.read<Service>(c, 'read cluster DNS service', (signal) =>
        c.core.readNamespacedService(
          {
            name: CLUSTER_DNS_SERVICE,
            namespace: CLUSTER_DNS_NAMESPACE,
          },
          abortOn(signal),
        ),
      ),
    ]);
    const items = <T>(r: ReadOutcome<{ items: T[] }>): ReadOutcome<readonly T[]> =>
      r.ok ? { ok: true, value: r.value.items ?? [] } : r;
    const output = renderClusterStatus(
      {
        server: c.server,
        readyz,
        version,
        nodes: items(nodes),
        coreDns: items(coreDns),
        dnsService,
      },
      now,
    );
    // The cluster DNS Service is context for the classifier (the address pods should be given), not
    // the control plane's state: its read failing (no such Service, a role from before this read,
    // an API error the other reads show too) is printed, never the section's error, which would
    // make the section's checks unknown after a fix.
    const failures = [readyz, version, nodes, coreDns]
      .filter((r): r is { ok: false; failure: ApiFailure } => !r.ok)
      .map((r) => formatApiFailure(r.failure));
    const notReady =
      readyz.ok && readyz.value.status !== 200
        ? [`/readyz returned HTTP ${readyz.value.status}`]
        : [];
    const errors = [...failures, ...notReady];
    return this.section(
      "kubectl cluster-info; kubectl version; kubectl get --raw '/readyz?verbose'; kubectl get nodes; kubectl -n kube-system get pods -l k8s-app=kube-dns; kubectl -n kube-system get service kube-dns",
      output,
      errors.length ? errors.join('; ') : undefined,
    );
  }

  /** Writes k8s.node (and, for a node target, k8s.pods and k8s.events); returns the node's events. */
  private async collectNode(
    c: Session,
    name: string,
    now: Date,
    nodeIsTarget: boolean,
    sections: Record<string, EvidenceSection>,
    keep: EventFilter,
  ): Promise<ListItems<Event>> {
    const [node, pods, events] = await Promise.all([
      this.read<Node>(c, 'read node', (signal) => c.core.readNode({ name }, abortOn(signal))),
      this.readList<Pod>(
        c,
        'list pods on node',
        (page, signal) =>
          c.core.listPodForAllNamespaces(
            { fieldSelector: `spec.nodeName=${name}`, ...page },
            abortOn(signal),
          ),
        `pods on node ${name}`,
      ),
      this.readList<Event>(
        c,
        'list node events',
        (page, signal) =>
          c.core.listEventForAllNamespaces(
            {
              fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}`,
              ...page,
            },
            abortOn(signal),
          ),
        `events of node ${name}`,
      ),
    ]);
    const podItems = pods.ok ? (pods.value.items ?? []) : [];
    const eventItems = keep(events.ok ? (events.value.items ?? []) : []);
    const nodeOut = node.ok
      ? renderDescribeNode(node.value, podItems, eventItems, now)
      : formatApiFailure(node.failure);
    const nodeErr = [node, pods, events]
      .filter((r) => !r.ok)
      .map((r) => formatApiFailure((r as { failure: ApiFailure }).failure));
    sections['k8s.node'] = this.section(
      `kubectl describe node ${name}`,
      nodeOut,
      nodeErr.length ? nodeErr.join('; ') : undefined,
      cutsOf(pods, events),
    );
    const [eventsCut] = cutsOf(events);
    const nodeEvents = { items: eventItems, ...(eventsCut ? { cut: eventsCut } : {}) };
    // For a pod target the node's events join the pod's in k8s.events (collectPod).
    if (!nodeIsTarget) return nodeEvents;
    const unhealthy = podItems
      .filter((p) => {
        const s = podStatusColumns(p, now);
        const [r, t] = s.ready.split('/');
        return s.status !== 'Completed' && (s.status !== 'Running' || r !== t);
      })
      .slice(0, this.o.maxDescribedPods);
    const podEvents = await Promise.all(
      unhealthy.map((p) =>
        this.readList<Event>(c, 'list pod events', (page, signal) =>
          c.core.listNamespacedEvent(
            {
              namespace: p.metadata?.namespace ?? 'default',
              fieldSelector: `involvedObject.name=${p.metadata?.name}`,
              ...page,
            },
            abortOn(signal),
          ),
        ),
      ),
    );
    const allPodEvents = keep(podEvents.flatMap((r) => (r.ok ? (r.value.items ?? []) : [])));
    const podsOut = pods.ok
      ? [
          `$ kubectl get pods -A -o wide --field-selector spec.nodeName=${name}`,
          renderGetPods(podItems, now, { wide: true }).replace(/\n$/, ''),
          ...unhealthy.flatMap((p) => [
            '',
            `$ kubectl describe pod -n ${p.metadata?.namespace} ${p.metadata?.name}`,
            renderDescribePod(p, allPodEvents, now).replace(/\n$/, ''),
          ]),
          '', // the section ends with a newline
        ].join('\n')
      : formatApiFailure(pods.failure);
    sections['k8s.pods'] = this.section(
      `kubectl get pods -A -o wide --field-selector spec.nodeName=${name}`,
      podsOut,
      pods.ok ? undefined : formatApiFailure(pods.failure),
      cutsOf(pods, ...podEvents),
    );
    const evErr = [events, ...podEvents]
      .filter((r) => !r.ok)
      .map((r) => formatApiFailure((r as { failure: ApiFailure }).failure));
    sections['k8s.events'] = this.section(
      `kubectl get events -A --field-selector involvedObject.name=${name}`,
      renderGetEvents([...eventItems, ...allPodEvents], now),
      evErr.length ? evErr.join('; ') : undefined,
      cutsOf(events, ...podEvents),
    );
    return nodeEvents;
  }

  private async collectPod(
    c: Session,
    namespace: string,
    name: string,
    pod: ReadOutcome<Pod>,
    now: Date,
    sections: Record<string, EvidenceSection>,
    nodeEventsPromise: Promise<ListItems<Event>>,
    window: { readonly keep: EventFilter; readonly from: number },
  ): Promise<void> {
    const { keep } = window;
    const p = pod.ok ? pod.value : undefined;
    // The pod and its owners are known now: their events are read beside the lists below.
    const own = new Set<string>([name, ...(p?.metadata?.ownerReferences ?? []).map((o) => o.name)]);
    for (const o of p?.metadata?.ownerReferences ?? [])
      if (o.kind === 'ReplicaSet') own.add(o.name.replace(/-[a-z0-9]{5,10}$/, ''));
    const ownEventsPromise = this.objectEvents(c, namespace, [...own]);
    // Namespace-wide lists: every target of the batch in this namespace shares one read of each.
    const inNamespace = <T>(kind: string, fetchPage: PageFetch) =>
      this.readList<T>(c, `list ${kind}`, fetchPage, `${kind} in ${namespace}`);
    const [policies, namespaces, nsPods, services, endpoints, ingresses] = await Promise.all([
      inNamespace<NetworkPolicy>('networkpolicies', (page, signal) =>
        c.networking.listNamespacedNetworkPolicy({ namespace, ...page }, abortOn(signal)),
      ),
      this.readList<Namespace>(
        c,
        'list namespaces',
        (page, signal) => c.core.listNamespace({ ...page }, abortOn(signal)),
        'namespaces',
      ),
      inNamespace<Pod>('pods', (page, signal) =>
        c.core.listNamespacedPod({ namespace, ...page }, abortOn(signal)),
      ),
      inNamespace<Service>('services', (page, signal) =>
        c.core.listNamespacedService({ namespace, ...page }, abortOn(signal)),
      ),
      inNamespace<Endpoints>('endpoints', (page, signal) =>
        c.core.listNamespacedEndpoints({ namespace, ...page }, abortOn(signal)),
      ),
      inNamespace<Ingress>('ingresses', (page, signal) =>
        c.networking.listNamespacedIngress({ namespace, ...page }, abortOn(signal)),
      ),
    ]);
    const err = (r: ReadOutcome<unknown>) => (r.ok ? undefined : formatApiFailure(r.failure));
    const joined = (errors: readonly string[]) => (errors.length ? errors.join('; ') : undefined);

    // k8s.pods
    const ownEvents = await ownEventsPromise;
    sections['k8s.pods'] = pod.ok
      ? this.section(
          `kubectl describe pod -n ${namespace} ${name}`,
          renderDescribePod(pod.value, keep(ownEvents.items), now),
          joined(ownEvents.errors),
          ownEvents.cuts,
        )
      : this.section(
          `kubectl describe pod -n ${namespace} ${name}`,
          formatApiFailure(pod.failure),
          formatApiFailure(pod.failure),
        );

    // k8s.events: the pod, its owners, services and ingresses in front of it, and its node.
    const related = new Set<string>(own);
    const podServices = p && services.ok ? servicesSelectingPod(services.value.items ?? [], p) : [];
    for (const s of podServices) related.add(s.metadata?.name ?? '');
    const ingressList = ingresses.ok ? (ingresses.value.items ?? []) : [];
    const svcNames = new Set(podServices.map((s) => s.metadata?.name ?? ''));
    const svcList = services.ok ? (services.value.items ?? []) : [];
    const epList = endpoints.ok ? (endpoints.value.items ?? []) : [];
    // Ingresses in front of the pod's services, and any ingress of the namespace with a broken backend (missing service or port, no ready endpoints).
    const podIngresses = ingressList.filter(
      (i) =>
        ingressServiceNames(i).some((n) => svcNames.has(n)) ||
        resolveIngressBackends(i, svcList, epList).some(
          (r) => r.status !== 'ok' && r.status !== 'resource-backend',
        ),
    );
    for (const i of podIngresses) related.add(i.metadata?.name ?? '');
    // Services behind those ingresses are described in k8s.services with their events too.
    const ingressServices = svcList.filter(
      (s) =>
        podIngresses.some((i) => ingressServiceNames(i).includes(s.metadata?.name ?? '')) &&
        !podServices.includes(s),
    );
    const described = [...related, ...ingressServices.map((s) => s.metadata?.name ?? '')];
    const [objectEvents, nodeEvents] = await Promise.all([
      this.objectEvents(c, namespace, described),
      nodeEventsPromise,
    ]);
    const nsEvents = keep(objectEvents.items);
    const podEvents = nsEvents.filter((e) => related.has(e.involvedObject.name ?? ''));
    sections['k8s.events'] = this.section(
      `kubectl get events -n ${namespace} (pod ${name}, its owners, services, ingresses and node)`,
      renderGetEvents([...podEvents, ...nodeEvents.items], now, namespace),
      joined(objectEvents.errors),
      [...objectEvents.cuts, ...(nodeEvents.cut ? [nodeEvents.cut] : [])],
    );

    const [logs, netpol] = await Promise.all([
      this.collectLogs(c, namespace, p, now, window.from),
      Promise.resolve(this.renderPolicies(p, name, policies, namespaces, nsPods)),
    ]);
    sections['k8s.pod-logs'] = logs;
    const netpolCuts = cutsOf(policies, namespaces, nsPods);
    sections['k8s.networkpolicies'] = netpolCuts.length
      ? this.section(netpol.command ?? '', netpol.output, netpol.error, netpolCuts)
      : netpol;

    // k8s.services: services selecting the pod, ingresses routing to them (or to services that do not exist).
    const svcItems = services.ok ? (services.value.items ?? []) : [];
    const epItems = endpoints.ok ? (endpoints.value.items ?? []) : [];
    const parts: string[] = [];
    for (const s of [...podServices, ...ingressServices])
      parts.push(
        `$ kubectl describe service -n ${namespace} ${s.metadata?.name}`,
        renderDescribeService(
          s,
          epItems.find((e) => e.metadata?.name === s.metadata?.name),
          nsEvents,
          now,
        ),
      );
    if (podServices.length === 0 && services.ok)
      parts.push(`No service in namespace ${namespace} selects pod ${name}.\n`);
    for (const i of podIngresses)
      parts.push(
        `$ kubectl describe ingress -n ${namespace} ${i.metadata?.name}`,
        renderDescribeIngress(i, svcItems, epItems, nsEvents, now),
      );
    const resolutions = podIngresses.flatMap((i) => resolveIngressBackends(i, svcItems, epItems));
    const check = renderBackendCheck(resolutions);
    if (check) parts.push(check);
    for (const s of podServices) {
      const ep = epItems.find((e) => e.metadata?.name === s.metadata?.name);
      const ready = (ep?.subsets ?? []).reduce((n, ss) => n + (ss.addresses ?? []).length, 0);
      if (ready === 0)
        parts.push(
          `Paramedic service check: service "${s.metadata?.name}" has no ready endpoints\n`,
        );
    }
    const svcErr = [services, endpoints, ingresses].map(err).filter(Boolean) as string[];
    for (const e of svcErr) parts.push(`${e}\n`);
    sections['k8s.services'] = this.section(
      `kubectl describe services,ingresses -n ${namespace} (routing to pod ${name})`,
      parts.join('\n'),
      svcErr.length ? svcErr.join('; ') : undefined,
      cutsOf(services, endpoints, ingresses),
    );
  }

  private renderPolicies(
    p: Pod | undefined,
    name: string,
    policies: ReadOutcome<{ items: NetworkPolicy[] }>,
    namespaces: ReadOutcome<{ items: Namespace[] }>,
    nsPods: ReadOutcome<{ items: Pod[] }>,
  ): EvidenceSection {
    const command = `kubectl describe networkpolicy -n ${p?.metadata?.namespace ?? ''}`;
    if (!policies.ok)
      return this.section(
        command,
        formatApiFailure(policies.failure),
        formatApiFailure(policies.failure),
      );
    if (!p)
      return this.section(
        command,
        `pod ${name} could not be read; policies not evaluated\n`,
        'pod not read',
      );
    const all = (policies.value.items ?? []).map(normalizeNetworkPolicy);
    const nsLabels = (ns: string) =>
      (namespaces.ok
        ? (namespaces.value.items ?? []).find((n) => n.metadata?.name === ns)?.metadata?.labels
        : undefined) ?? defaultNamespaceLabels(ns);
    const ns = p.metadata?.namespace ?? 'default';
    const self = { pod: p, namespaceLabels: nsLabels(ns) };
    // Peers: one pod per distinct label set in the namespace (bounded), plus explicit ones.
    const seen = new Set<string>();
    const peers: Pod[] = [];
    for (const q of nsPods.ok ? (nsPods.value.items ?? []) : []) {
      if (q.metadata?.name === p.metadata?.name) continue;
      const key = JSON.stringify(
        Object.entries(q.metadata?.labels ?? {})
          .filter(([k]) => k !== 'pod-template-hash')
          .sort(),
      );
      if (seen.has(key) || peers.length >= 8) continue;
      seen.add(key);
      peers.push(q);
    }
    const flows: FlowJudgement[] = [];
    const portsOf = (q: Pod) =>
      (q.spec?.containers ?? []).flatMap((c) =>
        (c.ports ?? []).map((pt) => ({ port: pt.containerPort, protocol: pt.protocol ?? 'TCP' })),
      );
    const isolated = all.length > 0;
    if (isolated) {
      for (const q of peers) {
        const peer = { pod: q, namespaceLabels: nsLabels(ns) };
        for (const pt of portsOf(p)) flows.push(judgeFlow(all, peer, self, pt.port, pt.protocol));
        for (const pt of portsOf(q)) flows.push(judgeFlow(all, self, peer, pt.port, pt.protocol));
      }
      for (const f of this.o.ingressFrom ?? []) {
        const q = (nsPods.ok ? (nsPods.value.items ?? []) : []).find(
          (x) => x.metadata?.name === f.pod && x.metadata?.namespace === f.namespace,
        );
        const peer = q
          ? { pod: q, namespaceLabels: nsLabels(f.namespace) }
          : {
              pod: { metadata: { name: f.pod, namespace: f.namespace } } as Pod,
              namespaceLabels: nsLabels(f.namespace),
            };
        for (const port of f.port !== undefined ? [f.port] : portsOf(p).map((x) => x.port))
          flows.push(judgeFlow(all, peer, self, port, f.protocol ?? 'TCP'));
      }
      // DNS: egress to CoreDNS on 53/UDP (only the sender's egress can be judged from this
      // namespace's policies). Its pods' labels are not read: judged towards each known label set
      // (EKS's, the Helm chart's, NodeLocal DNSCache's), denied only when none is reached.
      const dns = CLUSTER_DNS_PODS.map((pod) =>
        judgeFlow(
          all,
          self,
          { pod, namespaceLabels: nsLabels(CLUSTER_DNS_NAMESPACE) },
          CLUSTER_DNS_PORT,
          CLUSTER_DNS_PROTOCOL,
        ),
      );
      flows.push(dns.find((f) => f.allowed) ?? dns[0]!);
    }
    const deniedPeers = new Set(flows.filter((f) => !f.allowed).flatMap((f) => [f.from, f.to]));
    const shownPods = [
      p,
      ...peers.filter((q) => deniedPeers.has(`${q.metadata?.namespace}/${q.metadata?.name}`)),
    ];
    const shown = all.filter((pol) =>
      shownPods.some((q) => policiesSelectingPod([pol], q).length > 0),
    );
    return this.section(
      command,
      renderNetworkPolicySection(`${ns}/${name}`, shown, flows, all.length),
    );
  }

  /**
   * k8s.pod-logs: the target's containers, current and previous, then a short CoreDNS tail. Every
   * log is read as `kubectl logs --timestamps --since=<window>` reads it: the kubelet prefixes each
   * line with the time it was logged (RFC 3339, nanoseconds) and leaves out lines from before the
   * window. Most application and CoreDNS lines carry no time of their own, and the classifier keeps
   * a line without one, so without this a crash of days ago reads as the failure of now.
   */
  private async collectLogs(
    c: Session,
    namespace: string,
    p: Pod | undefined,
    now: Date,
    from: number,
  ): Promise<EvidenceSection> {
    if (!p)
      return this.section(
        `kubectl logs -n ${namespace}`,
        'pod could not be read; no logs\n',
        'pod not read',
      );
    const name = p.metadata?.name ?? '';
    const sinceSeconds = logSinceSeconds(now, from);
    const bounded = `--timestamps --since=${sinceSeconds}s`;
    // Each entry's read, 429 retries included: a shared read is shared with its retries, or a retry
    // would be answered the batch's first refusal again instead of asking the server.
    const reads: { header: string; read: () => Promise<ReadOutcome<string>> }[] = [];
    const notes: string[] = [];
    const readLog = (what: string, work: (signal: AbortSignal) => Promise<unknown>) => () =>
      this.read<string>(c, what, work);
    for (const cont of p.spec?.containers ?? []) {
      const status = (p.status?.containerStatuses ?? []).find((s) => s.name === cont.name);
      const base = {
        name,
        namespace,
        container: cont.name,
        tailLines: this.o.logTailLines,
        limitBytes: this.o.logLimitBytes,
        timestamps: true,
        sinceSeconds,
      };
      if (status?.state?.running || status?.state?.terminated || status?.lastState?.terminated) {
        const header = `$ kubectl logs -n ${namespace} ${name} -c ${cont.name} ${bounded} --tail=${this.o.logTailLines}`;
        reads.push({
          header,
          read: readLog(`read log of ${namespace}/${name} container ${cont.name}`, (signal) =>
            c.core.readNamespacedPodLog(base, abortOn(signal)),
          ),
        });
      }
      if ((status?.restartCount ?? 0) > 0 || status?.lastState?.terminated) {
        const finished = timeMs(status?.lastState?.terminated?.finishedAt);
        // The window would leave out every line of a run that ended before it: not asked at all.
        if (finished !== null && finished < from) {
          notes.push(
            `Paramedic: the previous run of container ${cont.name} ended at ${new Date(finished).toISOString()}, before the incident window (from ${new Date(from).toISOString()}): its log (--previous) was not read`,
          );
          continue;
        }
        const header = `$ kubectl logs -n ${namespace} ${name} -c ${cont.name} --previous ${bounded} --tail=${this.o.logTailLines}`;
        reads.push({
          header,
          read: readLog(
            `read previous log of ${namespace}/${name} container ${cont.name}`,
            (signal) => c.core.readNamespacedPodLog({ ...base, previous: true }, abortOn(signal)),
          ),
        });
      }
    }
    // CoreDNS: a short tail of up to two pods, so a DNS failure shows both sides.
    if (namespace !== 'kube-system' || !/^coredns-/.test(name)) {
      const dns = await this.coreDnsPods(c);
      for (const d of (dns.ok ? (dns.value.items ?? []) : []).slice(0, 2)) {
        const dn = d.metadata?.name ?? '';
        // The same tail for every target of the batch with the same window: read once.
        const header = `$ kubectl logs -n kube-system ${dn} -c coredns ${bounded} --tail=20`;
        const read = readLog(`read log of kube-system/${dn} container coredns`, (signal) =>
          c.core.readNamespacedPodLog(
            {
              name: dn,
              namespace: 'kube-system',
              container: 'coredns',
              tailLines: 20,
              limitBytes: 8 * 1024,
              timestamps: true,
              sinceSeconds,
            },
            abortOn(signal),
          ),
        );
        reads.push({ header, read: () => once(c, `coredns log ${dn} ${sinceSeconds}`, read) });
      }
    }
    const results = await Promise.all(reads.map((r) => r.read()));
    const parts: string[] = [...notes];
    const errors: string[] = [];
    reads.forEach((r, i) => {
      const res = results[i]!;
      parts.push(r.header);
      if (res.ok) parts.push(String(res.value ?? '').replace(/\n$/, ''));
      else {
        const e = formatApiFailure(res.failure);
        parts.push(e);
        errors.push(e);
      }
    });
    if (reads.length === 0 && notes.length === 0)
      parts.push(`(no container of pod ${name} has started yet: no logs)`);
    return this.section(
      `kubectl logs -n ${namespace} ${name} --all-containers (current and --previous, ${bounded}, --tail=${this.o.logTailLines})`,
      `${parts.join('\n')}\n`,
      errors.length ? errors.join('; ') : undefined,
    );
  }
}

/**
 * `sinceSeconds` of a log read: from the window's start to now, whole seconds rounded up (at
 * least 1, the API's minimum), so no line of the window is left out.
 */
function logSinceSeconds(now: Date, from: number): number {
  return Math.max(1, Math.ceil((now.getTime() - from) / 1000));
}

/** An API time (a Date once deserialized, a string in a raw object) in ms, or null. */
function timeMs(t: Date | string | undefined): number | null {
  if (t === undefined) return null;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}
