import type { Event, Pod, Service } from '../types.js';
import { eventLastSeen } from './describe-common.js';
import { formatTabbed, GET_TABS } from './tab-writer.js';
import { since, toDate } from './time-format.js';

/**
 * `kubectl get events` (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), oldest first as
 * `kubectl events` and `--sort-by=.lastTimestamp` order them; `No resources found` when empty.
 */
export function renderGetEvents(events: readonly Event[], now: Date, namespace?: string): string {
  if (events.length === 0)
    return `No resources found${namespace ? ` in ${namespace} namespace` : ''}.\n`;
  const rows = [...events]
    .sort((a, b) => eventLastSeen(a) - eventLastSeen(b))
    .map((e) => {
      const first = toDate(e.firstTimestamp)
        ? since(e.firstTimestamp, now)
        : since(e.eventTime, now);
      let last = toDate(e.lastTimestamp) ? since(e.lastTimestamp, now) : first;
      if (e.series) last = since(e.series.lastObservedTime, now);
      const kind = (e.involvedObject.kind ?? '').toLowerCase();
      const target = e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
      return `${last}\t${e.type ?? ''}\t${e.reason ?? ''}\t${target}\t${(e.message ?? '').trim()}`;
    });
  return formatTabbed(`LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n${rows.join('\n')}\n`, GET_TABS);
}

/** The STATUS, READY and RESTARTS columns of `kubectl get pods` (printPod's reason logic). */
export function podStatusColumns(
  pod: Pod,
  now: Date,
): { ready: string; status: string; restarts: string } {
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || '';
  let restarts = 0;
  let readyCount = 0;
  let lastRestart = 0;
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t)
      reason = t.reason
        ? `Init:${t.reason}`
        : t.signal
          ? `Init:Signal:${t.signal}`
          : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some(
    (c) => c.type === 'Initialized' && c.status === 'True',
  );
  if (!initializing || initialized) {
    restarts = 0;
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount ?? 0;
      const finished = toDate(c.lastState?.terminated?.finishedAt);
      if (finished && finished.getTime() > lastRestart) lastRestart = finished.getTime();
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (
    pod.metadata?.deletionTimestamp &&
    status.phase !== 'Succeeded' &&
    status.phase !== 'Failed'
  )
    reason = 'Terminating';
  const restartText =
    restarts !== 0 && lastRestart > 0
      ? `${restarts} (${since(new Date(lastRestart), now)} ago)`
      : String(restarts);
  return {
    ready: `${readyCount}/${(pod.spec?.containers ?? []).length}`,
    status: reason,
    restarts: restartText,
  };
}

/** `kubectl get pods -o wide` (NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES). */
export function renderGetPods(
  pods: readonly Pod[],
  now: Date,
  options: { wide?: boolean; namespace?: string } = {},
): string {
  if (pods.length === 0)
    return `No resources found${options.namespace ? ` in ${options.namespace} namespace` : ''}.\n`;
  const header = options.wide
    ? 'NAME\tREADY\tSTATUS\tRESTARTS\tAGE\tIP\tNODE\tNOMINATED NODE\tREADINESS GATES'
    : 'NAME\tREADY\tSTATUS\tRESTARTS\tAGE';
  const rows = pods.map((p) => {
    const c = podStatusColumns(p, now);
    const base = `${p.metadata?.name ?? ''}\t${c.ready}\t${c.status}\t${c.restarts}\t${since(p.metadata?.creationTimestamp, now)}`;
    return options.wide
      ? `${base}\t${p.status?.podIP || '<none>'}\t${p.spec?.nodeName || '<none>'}\t${p.status?.nominatedNodeName || '<none>'}\t<none>`
      : base;
  });
  return formatTabbed(`${header}\n${rows.join('\n')}\n`, GET_TABS);
}

/** kubectl's loadBalancerWidth: a longer EXTERNAL-IP is cut to 13 characters and `...` (not -o wide). */
const LOAD_BALANCER_WIDTH = 16;

/** kubectl's getServiceExternalIP (not -o wide): what a client outside the cluster dials, by type. */
function serviceExternalIp(service: Service): string {
  const spec = service.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      // A sorted set of the ingress IPs (or hostnames), as kubectl's sets.String.List().
      const ingress = [
        ...new Set(
          (service.status?.loadBalancer?.ingress ?? [])
            .map((i) => i.ip || i.hostname || '')
            .filter(Boolean),
        ),
      ].sort();
      let lb = ingress.join(',');
      if (lb.length > LOAD_BALANCER_WIDTH) lb = `${lb.slice(0, LOAD_BALANCER_WIDTH - 3)}...`;
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/**
 * `kubectl get services` (NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE): CLUSTER-IP is the first of
 * spec.clusterIPs (a dual-stack Service shows its primary family only), PORT(S) `port[:nodePort]/PROTOCOL`.
 * @example renderGetServices([kubeDns], now) // 'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE\nkube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d\n'
 */
export function renderGetServices(
  services: readonly Service[],
  now: Date,
  namespace?: string,
): string {
  if (services.length === 0)
    return `No resources found${namespace ? ` in ${namespace} namespace` : ''}.\n`;
  const rows = services.map((s) => {
    const spec = s.spec ?? {};
    const clusterIp = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '<none>';
    const ports = (spec.ports ?? [])
      .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
      .join(',');
    return `${s.metadata?.name ?? ''}\t${spec.type ?? ''}\t${clusterIp || '<none>'}\t${serviceExternalIp(s)}\t${ports || '<none>'}\t${since(s.metadata?.creationTimestamp, now)}`;
  });
  return formatTabbed(
    `NAME\tTYPE\tCLUSTER-IP\tEXTERNAL-IP\tPORT(S)\tAGE\n${rows.join('\n')}\n`,
    GET_TABS,
  );
}
