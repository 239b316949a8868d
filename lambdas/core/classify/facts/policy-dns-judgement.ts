import {
  CLUSTER_DNS_POD,
  CLUSTER_DNS_PORT,
  CLUSTER_DNS_PROTOCOL,
  defaultNamespaceLabels,
} from '../../kubernetes/cluster-dns.js';
import {
  evaluateTraffic,
  namedPortsOf,
  type TrafficPeer,
} from '../../kubernetes/network-policy.js';
import type { LabelSelector, NetworkPolicy, Pod, StringMap } from '../../kubernetes/types.js';
import { readPolicyManifests } from './policy-manifest-reader.js';
import ipaddr from 'ipaddr.js';

/** A policy as the line reader found it in the section. */
export interface ShownPolicy {
  /** The line the fact points at: inside the policy's manifest when it is one. */
  readonly line: number;
  readonly name: string | null;
  readonly namespace: string | null;
  /** The line reader saw it isolate egress (its facts carry dnsBlocked). */
  readonly egress: boolean;
  /** Egress rules were shown in a form the manifest reader does not read (Cilium keys, described rules). */
  readonly unread?: boolean;
  /** `kubectl describe` showed it isolated for egress with no rule, selecting these pods. */
  readonly describedDenyAll?: LabelSelector;
}

/** Distinct pods judged per section, and ipBlock addresses tried per namespace: beyond them, admitted. */
const MAX_JUDGED_PODS = 64;
const MAX_BLOCK_ADDRESSES = 16;
/** A namespace no policy names: its pods are judged as nobody's namespace, so never kube-system. */
const UNKNOWN_NAMESPACE = '';

/**
 * Whether a pod a policy isolates for egress can reach cluster DNS (CLUSTER_DNS_POD on 53/UDP),
 * judged by the NetworkPolicy evaluator against every policy shown for its namespace: one entry
 * per shown policy, true when its pods' lookups cannot leave. A pod is synthesised from the
 * policy's podSelector. What is not read as a whole policy (fragments, described rules, Cilium
 * rules, a manifest that does not parse) counts as admitting DNS for its namespace: never a false
 * "blocked". Only UDP is judged: resolvers ask over UDP and retry over TCP only after a truncated
 * UDP answer, which never comes when UDP is dropped, so a policy that admits 53/TCP alone still
 * leaves lookups timing out.
 */
export function judgeDnsBlocked(text: string, shown: readonly ShownPolicy[]): boolean[] {
  const manifests = readPolicyManifests(text);
  const policies: NetworkPolicy[] = manifests.map((m) => m.policy);
  const unread = new Set<string | null>();
  // Both lists run in line order: one pass pairs each shown policy with the manifest around it.
  let next = 0;
  const judged = shown.map((s) => {
    while (next < manifests.length && manifests[next]!.lastLine < s.line) next++;
    const m = manifests[next];
    if (s.unread) {
      unread.add(s.namespace);
      return null;
    }
    if (m && m.firstLine <= s.line) return m.policy;
    if (s.describedDenyAll) {
      const described: NetworkPolicy = {
        metadata: { name: s.name ?? undefined, namespace: s.namespace ?? undefined },
        spec: { podSelector: s.describedDenyAll, policyTypes: ['Egress'], egress: [] },
      };
      policies.push(described);
      return described;
    }
    if (s.egress) unread.add(s.namespace);
    return null;
  });
  const known = [...new Set(policies.map((p) => p.metadata?.namespace).filter((n) => n))];
  const verdicts = new Map<string, boolean>();
  return judged.map((policy, i) => {
    if (!policy || !shown[i]!.egress) return false;
    const ns = policy.metadata?.namespace ?? null;
    if (unread.has(null) || unread.has(ns) || (ns === null && unread.size > 0)) return false;
    // A policy without a namespace may be any shown namespace's, or one of its own.
    const candidates = ns !== null ? [ns] : [UNKNOWN_NAMESPACE, ...(known as string[])];
    return candidates.every((n) => {
      const pod = podSelectedBy(policy.spec?.podSelector ?? {}, n);
      const key = `${n}\u0000${JSON.stringify(pod.metadata?.labels)}`;
      let blocked = verdicts.get(key);
      if (blocked === undefined) {
        if (verdicts.size >= MAX_JUDGED_PODS) return false;
        blocked = !reachesDns(policiesOf(policies, n), pod);
        verdicts.set(key, blocked);
      }
      return blocked;
    });
  });
}

/** The policies that apply in namespace `ns`: its own and those that name no namespace. */
function policiesOf(policies: readonly NetworkPolicy[], ns: string): NetworkPolicy[] {
  return policies
    .filter((p) => (p.metadata?.namespace ?? ns) === ns)
    .map((p) => ({ ...p, metadata: { ...p.metadata, namespace: ns } }));
}

/** A pod the selector selects: its matchLabels, and a value for each `In`/`Exists` requirement. */
function podSelectedBy(selector: LabelSelector, namespace: string): Pod {
  const labels: Record<string, string> = { ...selector.matchLabels };
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'In') labels[r.key] = r.values?.[0] ?? '';
    if (r.operator === 'Exists') labels[r.key] ??= '';
  }
  return { metadata: { name: 'selected', namespace, labels } };
}

/**
 * kube-system's labels: the one every namespace carries, and `name: kube-system`, which older
 * guides tell operators to add. The real labels are not shown, and a selector that names the
 * namespace by a label we cannot see counts as admitting.
 */
const DNS_NAMESPACE_LABELS: StringMap = {
  ...defaultNamespaceLabels('kube-system'),
  name: 'kube-system',
};

function reachesDns(policies: readonly NetworkPolicy[], pod: Pod): boolean {
  const dns: TrafficPeer = {
    namespace: 'kube-system',
    labels: CLUSTER_DNS_POD.metadata?.labels,
    namespaceLabels: DNS_NAMESPACE_LABELS,
    namedPorts: namedPortsOf(CLUSTER_DNS_POD),
    description: 'cluster DNS',
  };
  // CoreDNS's pod address (or node-local DNS's) is not shown: any ipBlock may hold it.
  const addresses = new Set<string>();
  for (const p of policies)
    for (const rule of p.spec?.egress ?? [])
      for (const peer of rule.to ?? []) if (peer.ipBlock) addresses.add(peer.ipBlock.cidr);
  // A block that is no CIDR cannot be judged: unread, so admitted.
  if (addresses.size > MAX_BLOCK_ADDRESSES || [...addresses].some((c) => !ipaddr.isValidCIDR(c)))
    return true;
  const peers = [dns, ...[...addresses].map((cidr) => ({ ...dns, ip: cidr.split('/')[0] }))];
  try {
    return peers.some(
      (peer) =>
        evaluateTraffic(policies, pod, {
          direction: 'egress',
          peer,
          port: CLUSTER_DNS_PORT,
          protocol: CLUSTER_DNS_PROTOCOL,
        }).allowed,
    );
  } catch {
    return true; // a selector the API would reject (LabelSelectorError): not judged
  }
}
