import type { Container, ContainerState, ContainerStatus, Event, Pod, Probe } from '../types.js';
import {
  describeEvents,
  eventsFor,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printTolerationsMultiline,
} from './describe-common.js';
import { parseQuantity } from './quantity.js';
import { PrefixWriter } from './tab-writer.js';
import { rfc1123z, since } from './time-format.js';

const printBool = (b: boolean | undefined) => (b ? 'True' : 'False');

/** kubectl's DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(probe: Probe): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}] ${attrs}`;
  if (probe.httpGet) {
    const g = probe.httpGet;
    const host = g.host ?? '';
    const port = String(g.port ?? '');
    const hostPort = port ? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`) : host;
    return `http-get ${(g.scheme ?? 'HTTP').toLowerCase()}://${hostPort}${g.path ?? ''} ${attrs}`;
  }
  if (probe.tcpSocket)
    return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port} ${attrs}`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeStatus(
  w: PrefixWriter,
  stateName: string,
  state: ContainerState | undefined,
): void {
  if (state?.running) {
    w.write(2, `${stateName}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.write(2, `${stateName}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${stateName}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if (t.signal && t.signal > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${stateName}:\tWaiting\n`);
  }
}

function sortedResourceNames(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map).sort();
}

function describeContainer(
  w: PrefixWriter,
  c: Container,
  status: ContainerStatus | undefined,
): void {
  w.write(1, `${c.name}:\n`);
  if (status) w.write(2, `Container ID:\t${status.containerID ?? ''}\n`);
  w.write(2, `Image:\t${c.image ?? ''}\n`);
  if (status) w.write(2, `Image ID:\t${status.imageID ?? ''}\n`);
  const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
  w.write(2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`);
  const hostPorts = (c.ports ?? [])
    .map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`)
    .join(', ');
  w.write(
    2,
    hostPorts.includes(',')
      ? `Host Ports:\t${hostPorts}\n`
      : `Host Port:\t${hostPorts || '<none>'}\n`,
  );
  if ((c.command ?? []).length > 0) {
    w.write(2, 'Command:\n');
    for (const cmd of c.command!) for (const s of cmd.split('\n')) w.write(3, `${s}\n`);
  }
  if ((c.args ?? []).length > 0) {
    w.write(2, 'Args:\n');
    for (const a of c.args!) for (const s of a.split('\n')) w.write(3, `${s}\n`);
  }
  if (status) {
    describeStatus(w, 'State', status.state);
    if (status.lastState?.terminated) describeStatus(w, 'Last State', status.lastState);
    w.write(2, `Ready:\t${printBool(status.ready)}\n`);
    w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
  }
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  if (Object.keys(limits).length > 0) w.write(2, 'Limits:\n');
  for (const name of sortedResourceNames(limits)) w.write(3, `${name}:\t${limits[name]}\n`);
  if (Object.keys(requests).length > 0) w.write(2, 'Requests:\n');
  for (const name of sortedResourceNames(requests)) w.write(3, `${name}:\t${requests[name]}\n`);
  if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
  if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
  if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
  const env = c.env ?? [];
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const from = e.valueFrom;
    if (!from) {
      for (const [i, s] of (e.value?.split('\n') ?? []).entries())
        w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`);
      if (e.value === undefined) w.write(3, `${e.name}:\t\n`);
    } else if (from.fieldRef) {
      w.write(3, `${e.name}:\t (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      w.write(3, `${e.name}:\t${from.resourceFieldRef.resource}\n`);
    } else if (from.secretKeyRef) {
      w.write(
        3,
        `${e.name}:\t<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>\tOptional: ${from.secretKeyRef.optional === true}\n`,
      );
    } else if (from.configMapKeyRef) {
      w.write(
        3,
        `${e.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>\tOptional: ${from.configMapKeyRef.optional === true}\n`,
      );
    }
  }
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) =>
    a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0,
  );
  w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly ? 'ro' : 'rw'];
    if (m.subPath) flags.push(`path=${JSON.stringify(m.subPath)}`);
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
  }
}

function describeVolumes(w: PrefixWriter, volumes: NonNullable<Pod['spec']>['volumes']): void {
  const list = volumes ?? [];
  if (list.length === 0) {
    w.write(0, 'Volumes:\t<none>\n');
    return;
  }
  w.write(0, 'Volumes:\n');
  for (const v of list) {
    w.write(1, `${v.name}:\n`);
    const src = v as Record<string, any>;
    if (src.hostPath) {
      w.write(
        2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${src.hostPath.path}\n    HostPathType:\t${src.hostPath.type ?? ''}\n`,
      );
    } else if (src.emptyDir) {
      w.write(
        2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${src.emptyDir.medium ?? ''}\n    SizeLimit:\t${src.emptyDir.sizeLimit ?? '<unset>'}\n`,
      );
    } else if (src.configMap) {
      w.write(
        2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${src.configMap.name}\n    Optional:\t${src.configMap.optional === true}\n`,
      );
    } else if (src.secret) {
      w.write(
        2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${src.secret.secretName}\n    Optional:\t${src.secret.optional === true}\n`,
      );
    } else if (src.projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of src.projected.sources ?? []) {
        if (s.serviceAccountToken)
          w.write(
            2,
            `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 3607}\n`,
          );
        else if (s.configMap)
          w.write(
            2,
            `ConfigMapName:\t${s.configMap.name}\n    ConfigMapOptional:\t${s.configMap.optional === undefined ? '<nil>' : String(s.configMap.optional)}\n`,
          );
        else if (s.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
      }
    } else if (src.persistentVolumeClaim) {
      w.write(
        2,
        `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${src.persistentVolumeClaim.claimName}\n    ReadOnly:\t${src.persistentVolumeClaim.readOnly === true}\n`,
      );
    }
  }
}

/** The pod's QoS class: status.qosClass, else computed from requests and limits. */
export function podQosClass(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = pod.spec?.containers ?? [];
  const any = containers.some(
    (c) =>
      Object.keys(c.resources?.requests ?? {}).length +
        Object.keys(c.resources?.limits ?? {}).length >
      0,
  );
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const l = parseQuantity(c.resources?.limits?.[r]);
      const q = parseQuantity(c.resources?.requests?.[r] ?? c.resources?.limits?.[r]);
      return l !== undefined && q !== undefined && l.value === q.value;
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * Renders one pod as `kubectl describe pod` prints it (same fields, order, tab alignment),
 * with the events that involve the pod.
 * @example renderDescribePod(pod, events, new Date('2026-11-23T09:00:00Z'))
 */
export function renderDescribePod(pod: Pod, events: readonly Event[], now: Date): string {
  const w = new PrefixWriter();
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ''}\n`);
  if (spec.priority !== undefined && spec.priority !== null)
    w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(
    0,
    spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n',
  );
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', meta.labels);
  printAnnotationsMultiline(w, 'Annotations', meta.annotations);
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${since(meta.deletionTimestamp, now)})\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ''}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  w.write(0, `IP:\t${status.podIP ?? ''}\n`);
  if ((status.podIPs ?? []).length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of status.podIPs!) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const controller = (meta.ownerReferences ?? []).find((o) => o.controller);
  if (controller) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  const describeAll = (
    label: string,
    containers: readonly Container[],
    statuses: readonly ContainerStatus[] | undefined,
  ) => {
    w.write(0, `${label}:\n`);
    for (const c of containers)
      describeContainer(
        w,
        c,
        (statuses ?? []).find((s) => s.name === c.name),
      );
  };
  if ((spec.initContainers ?? []).length > 0)
    describeAll('Init Containers', spec.initContainers!, status.initContainerStatuses);
  describeAll('Containers', spec.containers ?? [], status.containerStatuses);
  if ((status.conditions ?? []).length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions!) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec.volumes);
  w.write(0, `QoS Class:\t${podQosClass(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
  printTolerationsMultiline(w, 'Tolerations', spec.tolerations);
  describeEvents(w, eventsFor(events, 'Pod', meta.name ?? '', meta.namespace), now);
  return w.toString();
}
