import { formatLabelSelector } from '../label-selector.js';
import { effectivePolicyTypes, type FlowJudgement } from '../network-policy.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../types.js';
import { printAnnotationsMultiline, printLabelsMultiline } from './describe-common.js';
import { PrefixWriter } from './tab-writer.js';
import { goTimeString } from './time-format.js';

function printPorts(
  w: PrefixWriter,
  indent: string,
  ports: readonly NetworkPolicyPort[] | undefined,
): void {
  if (!ports || ports.length === 0) {
    w.write(0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
    return;
  }
  for (const p of ports) {
    const port = p.port === undefined ? '<nil>' : String(p.port);
    w.write(
      0,
      `${indent}To Port: ${port}${p.endPort ? `-${p.endPort}` : ''}/${p.protocol ?? 'TCP'}\n`,
    );
  }
}

function printPeers(
  w: PrefixWriter,
  indent: string,
  label: 'From' | 'To',
  peers: readonly NetworkPolicyPeer[] | undefined,
): void {
  if (!peers || peers.length === 0) {
    w.write(
      0,
      `${indent}${label}: <any> (traffic not restricted by ${label === 'From' ? 'source' : 'destination'})\n`,
    );
    return;
  }
  for (const peer of peers) {
    w.write(0, `${indent}${label}:\n`);
    if (peer.podSelector && peer.namespaceSelector) {
      w.write(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
      w.write(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    } else if (peer.podSelector) {
      w.write(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    } else if (peer.namespaceSelector) {
      w.write(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
    } else if (peer.ipBlock) {
      w.write(1, `${indent}IPBlock:\n`);
      w.write(2, `${indent}CIDR: ${peer.ipBlock.cidr}\n`);
      w.write(2, `${indent}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`);
    }
  }
}

/** Renders a NetworkPolicy as `kubectl describe networkpolicy` prints it. */
export function renderDescribeNetworkPolicy(policy: NetworkPolicy): string {
  const w = new PrefixWriter();
  const spec = policy.spec ?? {};
  w.write(0, `Name:\t${policy.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${policy.metadata?.namespace ?? ''}\n`);
  w.write(0, `Created on:\t${goTimeString(policy.metadata?.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', policy.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', policy.metadata?.annotations);
  w.write(0, 'Spec:\n');
  w.write(1, 'PodSelector: ');
  const sel = spec.podSelector ?? {};
  if (
    Object.keys(sel.matchLabels ?? {}).length === 0 &&
    (sel.matchExpressions ?? []).length === 0
  ) {
    w.write(2, '<none> (Allowing the specific traffic to all pods in this namespace)\n');
  } else {
    w.write(2, `${formatLabelSelector(sel)}\n`);
  }
  // kubectl reads spec.policyTypes as stored; the API server always fills it, so the defaulting here only matters for hand-written objects.
  const types = effectivePolicyTypes(policy);
  if (types.has('Ingress')) {
    w.write(1, 'Allowing ingress traffic:\n');
    const rules = spec.ingress ?? [];
    if (rules.length === 0)
      w.write(0, '    <none> (Selected pods are isolated for ingress connectivity)\n');
    rules.forEach((r, i) => {
      printPorts(w, '    ', r.ports);
      printPeers(w, '    ', 'From', r.from);
      if (i !== rules.length - 1) w.write(0, '    ----------\n');
    });
  } else {
    w.write(1, 'Not affecting ingress traffic\n');
  }
  if (types.has('Egress')) {
    w.write(1, 'Allowing egress traffic:\n');
    const rules = spec.egress ?? [];
    if (rules.length === 0)
      w.write(0, '    <none> (Selected pods are isolated for egress connectivity)\n');
    rules.forEach((r, i) => {
      printPorts(w, '    ', r.ports);
      printPeers(w, '    ', 'To', r.to);
      if (i !== rules.length - 1) w.write(0, '    ----------\n');
    });
  } else {
    w.write(1, 'Not affecting egress traffic\n');
  }
  const declared =
    spec.policyTypes && spec.policyTypes.length > 0 ? [...spec.policyTypes] : [...types];
  w.write(1, `Policy Types: ${declared.join(', ')}\n`);
  return w.toString();
}

/**
 * The NetworkPolicy section: the policies that select the pod or its peers (as kubectl describes
 * them), then Paramedic's verdict for each flow, e.g.
 * `DENIED shop/web -> shop/api 8080/TCP: ingress of shop/api denied: ...`.
 */
export function renderNetworkPolicySection(
  podName: string,
  shown: readonly NetworkPolicy[],
  flows: readonly FlowJudgement[],
  totalPolicies: number,
): string {
  const parts: string[] = [];
  parts.push(
    `$ kubectl describe networkpolicy (${shown.length} of ${totalPolicies} policies: those selecting pod ${podName} or its peers)`,
  );
  if (shown.length === 0)
    parts.push(
      `No NetworkPolicy selects pod ${podName} or its peers: their traffic is not restricted by policy.`,
    );
  for (const p of shown) parts.push(renderDescribeNetworkPolicy(p).replace(/\n$/, ''), '');
  if (flows.length > 0) {
    parts.push('Paramedic NetworkPolicy verdicts:');
    for (const f of flows) {
      const port = f.port === undefined ? `any/${f.protocol}` : `${f.port}/${f.protocol}`;
      parts.push(
        `  ${f.allowed ? 'ALLOWED' : 'DENIED '} ${f.from} -> ${f.to} ${port}: ${f.reason}`,
      );
    }
    const denied = flows.filter((f) => !f.allowed);
    if (denied.length > 0) {
      const names = [...new Set(denied.flatMap((f) => f.policies))];
      parts.push(
        `NetworkPolicy blocks traffic: ${denied.length} of ${flows.length} flows denied (policies ${names.join(', ')})`,
      );
    }
  }
  return `${parts.join('\n')}\n`;
}
