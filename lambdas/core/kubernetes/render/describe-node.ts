import type { Event, Node, Pod } from '../types.js';
import {
  describeEvents,
  eventsFor,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printTaintsMultiline,
} from './describe-common.js';
import { formatQuantity, parseQuantity, sumQuantities, type Quantity } from './quantity.js';
import { PrefixWriter } from './tab-writer.js';
import { rfc1123z, since } from './time-format.js';

/** resourcehelper.PodRequestsAndLimits: containers summed, each init container as a floor. */
export function podRequestsAndLimits(pod: Pod): {
  requests: Record<string, Quantity>;
  limits: Record<string, Quantity>;
} {
  const collect = (which: 'requests' | 'limits') => {
    const out: Record<string, Quantity> = {};
    const names = new Set<string>();
    for (const c of pod.spec?.containers ?? [])
      for (const k of Object.keys(c.resources?.[which] ?? {})) names.add(k);
    for (const name of names)
      out[name] = sumQuantities(
        (pod.spec?.containers ?? []).map((c) => c.resources?.[which]?.[name]),
      );
    for (const init of pod.spec?.initContainers ?? []) {
      for (const [name, text] of Object.entries(init.resources?.[which] ?? {})) {
        const q = parseQuantity(text);
        if (q && (!out[name] || q.value > out[name]!.value)) out[name] = q;
      }
    }
    return out;
  };
  return { requests: collect('requests'), limits: collect('limits') };
}

const ZERO: Quantity = { value: 0, format: 'DecimalSI' };

/** Adds one pod's quantities to the node's totals, per resource. */
function addQuantities(totals: Record<string, Quantity[]>, pod: Record<string, Quantity>): void {
  for (const [resource, quantity] of Object.entries(pod)) {
    const list = totals[resource] ?? [];
    list.push(quantity);
    totals[resource] = list;
  }
}
const pct = (part: number, whole: number) => (whole > 0 ? Math.trunc((part / whole) * 100) : 0);

/** Pods that count against a node: on the node and not Succeeded/Failed. */
export function nonTerminatedPods(pods: readonly Pod[], nodeName: string): Pod[] {
  return pods.filter(
    (p) =>
      p.spec?.nodeName === nodeName &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed',
  );
}

/**
 * Renders a node as `kubectl describe node` prints it: labels, taints, the Conditions table,
 * addresses, capacity/allocatable, system info, non-terminated pods with their requests and
 * limits, allocated resources and the node's events.
 */
export function renderDescribeNode(
  node: Node,
  pods: readonly Pod[],
  events: readonly Event[],
  now: Date,
): string {
  const w = new PrefixWriter();
  const meta = node.metadata ?? {};
  const name = meta.name ?? '';
  const labels = meta.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean)
    .sort();
  w.write(0, `Name:\t${name}\n`);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', meta.labels);
  printAnnotationsMultiline(w, 'Annotations', meta.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', node.spec?.taints);
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
  const conditions = node.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(
      0,
      'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n',
    );
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of node.status?.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  const printResources = (title: string, map: Readonly<Record<string, string>> | undefined) => {
    if (!map || Object.keys(map).length === 0) return;
    w.write(0, `${title}:\n`);
    for (const k of Object.keys(map).sort()) w.write(1, `${k}:\t${map[k]}\n`);
  };
  printResources('Capacity', node.status?.capacity);
  printResources('Allocatable', node.status?.allocatable);
  const info = node.status?.nodeInfo ?? {};
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
  w.write(0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
  w.write(0, `  Boot ID:\t${info.bootID ?? ''}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
  w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
  w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if ((node.spec?.podCIDRs ?? []).length > 0)
    w.write(0, `PodCIDRs:\t${node.spec!.podCIDRs!.join(',')}\n`);
  if (node.spec?.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);

  const running = nonTerminatedPods(pods, name);
  const allocatable =
    node.status?.allocatable && Object.keys(node.status.allocatable).length > 0
      ? node.status.allocatable
      : (node.status?.capacity ?? {});
  const allocCpu = parseQuantity(allocatable.cpu)?.value ?? 0;
  const allocMem = parseQuantity(allocatable.memory)?.value ?? 0;
  const allocEph = parseQuantity(allocatable['ephemeral-storage'])?.value ?? 0;
  w.write(0, `Non-terminated Pods:\t(${running.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totals = {
    requests: {} as Record<string, Quantity[]>,
    limits: {} as Record<string, Quantity[]>,
  };
  for (const pod of running) {
    const { requests, limits } = podRequestsAndLimits(pod);
    addQuantities(totals.requests, requests);
    addQuantities(totals.limits, limits);
    const cpuReq = requests.cpu ?? ZERO;
    const cpuLim = limits.cpu ?? ZERO;
    const memReq = requests.memory ?? ZERO;
    const memLim = limits.memory ?? ZERO;
    w.write(
      1,
      `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t${formatQuantity(cpuReq)} (${pct(cpuReq.value, allocCpu)}%)\t${formatQuantity(cpuLim)} (${pct(cpuLim.value, allocCpu)}%)\t${formatQuantity(memReq)} (${pct(memReq.value, allocMem)}%)\t${formatQuantity(memLim)} (${pct(memLim.value, allocMem)}%)\t${since(pod.metadata?.creationTimestamp, now)}\n`,
    );
  }
  const total = (list: Quantity[] | undefined): Quantity => {
    if (!list || list.length === 0) return ZERO;
    return { value: list.reduce((s, q) => s + q.value, 0), format: list[0]!.format };
  };
  w.write(
    0,
    'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n',
  );
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const row = (res: string, whole: number) => {
    const r = total(totals.requests[res]);
    const l = total(totals.limits[res]);
    w.write(
      1,
      `${res}\t${formatQuantity(r)} (${pct(r.value, whole)}%)\t${formatQuantity(l)} (${pct(l.value, whole)}%)\n`,
    );
  };
  row('cpu', allocCpu);
  row('memory', allocMem);
  row('ephemeral-storage', allocEph);
  for (const res of Object.keys(allocatable)
    .filter((k) => k.startsWith('hugepages-') || k.includes('/'))
    .sort()) {
    w.write(
      1,
      `${res}\t${formatQuantity(total(totals.requests[res]))}\t${formatQuantity(total(totals.limits[res]))}\n`,
    );
  }
  describeEvents(w, eventsFor(events, 'Node', name), now);
  return w.toString();
}
