import { CLUSTER_DNS_PORT, CLUSTER_DNS_PROTOCOL } from '../../kubernetes/cluster-dns.js';
import { labelsSelectedBy } from '../../kubernetes/label-selector.js';
import { evaluateTraffic, type TrafficPeer } from '../../kubernetes/network-policy.js';
import type { LabelSelector, NetworkPolicy, Pod } from '../../kubernetes/types.js';
import { plausibleDnsPeers } from './plausible-dns-peers.js';
import { readPolicyManifests } from './policy-manifest-reader.js';

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

/** Distinct pods judged per section: beyond them, admitted. */
const MAX_JUDGED_PODS = 64;
/**
 * Rule peers matched per section (each judged pod costs its DNS peers times the rule peers of its
 * namespace): past it the rest are admitted, so a hostile section costs bounded time.
 */
const MAX_PEER_MATCHES = 1_000_000;
/** A namespace no policy names: its pods are judged as nobody's namespace, so never kube-system. */
const UNKNOWN_NAMESPACE = '';

/**
 * Whether a pod a policy isolates for egress can reach cluster DNS on 53/UDP, judged by the
 * NetworkPolicy evaluator against every policy shown for its namespace: one entry per shown
 * policy, true when its pods' lookups cannot leave. A pod is synthesised from the policy's
 * podSelector; cluster DNS is every peer it may be (plausibleDnsPeers), since its labels and
 * address are not shown. What is not read as a whole policy (fragments, described rules, Cilium
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
  let matches = 0;
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
        const applying = policiesOf(policies, n);
        const peers = plausibleDnsPeers(applying);
        if (!peers) return false; // rules past the bound or unreadable: not judged
        matches += peers.length * rulePeerCount(applying);
        if (matches > MAX_PEER_MATCHES) return false;
        blocked = !reachesDns(applying, pod, peers);
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

/** Egress rules and their peers: what one evaluation may match a peer against. */
function rulePeerCount(policies: readonly NetworkPolicy[]): number {
  let n = 0;
  for (const p of policies)
    for (const rule of p.spec?.egress ?? []) n += 1 + (rule.to?.length ?? 0);
  return n;
}

/** A pod the selector selects (labelsSelectedBy), in `namespace`. */
function podSelectedBy(selector: LabelSelector, namespace: string): Pod {
  return { metadata: { name: 'selected', namespace, labels: labelsSelectedBy(selector) } };
}

function reachesDns(
  policies: readonly NetworkPolicy[],
  pod: Pod,
  peers: readonly TrafficPeer[],
): boolean {
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
