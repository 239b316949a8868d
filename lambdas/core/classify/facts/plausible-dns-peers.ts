import {
  CLUSTER_DNS_LABEL_SETS,
  CLUSTER_DNS_NAMED_PORTS,
  CLUSTER_DNS_NAMESPACE,
  defaultNamespaceLabels,
} from '../../kubernetes/cluster-dns.js';
import { addressAdmittedBy } from '../../kubernetes/ip-block.js';
import { labelsSelectedBy } from '../../kubernetes/label-selector.js';
import type { TrafficPeer } from '../../kubernetes/network-policy.js';
import type { NetworkPolicy, StringMap } from '../../kubernetes/types.js';

/** Distinct rule peers (selectors, ipBlocks) read per namespace: beyond them, not judged. */
export const MAX_RULE_PEERS = 64;

const DNS_NAMESPACE_LABELS: StringMap = defaultNamespaceLabels(CLUSTER_DNS_NAMESPACE);

function dnsPeer(labels: StringMap, namespaceLabels: StringMap, ip?: string): TrafficPeer {
  return {
    namespace: CLUSTER_DNS_NAMESPACE,
    labels,
    namespaceLabels,
    namedPorts: CLUSTER_DNS_NAMED_PORTS,
    ...(ip === undefined ? {} : { ip }),
    description: 'cluster DNS',
  };
}

/**
 * Every pod cluster DNS may be, as evaluator peers, for judging the egress `policies` of one
 * namespace. Evidence shows neither the resolver's labels, nor kube-system's, nor its address, so
 * a rule that could select it must admit it, and only one that provably cannot may block:
 * - one peer per known DNS label set (CLUSTER_DNS_LABEL_SETS) in kube-system;
 * - for each rule peer with selectors, those sets extended by the labels its podSelector asks
 *   for, in a namespace carrying the labels its namespaceSelector asks for. What the known set or
 *   `kubernetes.io/metadata.name: kube-system` already fixes wins, so a selector that contradicts
 *   every known set (`k8s-app: metrics`) or names another namespace by its immutable name still
 *   fails, while one asking for labels nobody showed us (`networking/namespace: kube-system`, the
 *   Helm release's `app.kubernetes.io/instance`) admits;
 * - for each ipBlock, an address it admits (outside its excepts): none when the excepts cover it.
 * The evaluator then judges each peer as it judges any: an `In` value or a port name the real pod
 * lacks is its decision, not ours. Null when the rules cannot be judged (an ipBlock the API server
 * would reject, more than MAX_RULE_PEERS distinct rule peers): the caller counts that as admitting.
 */
export function plausibleDnsPeers(policies: readonly NetworkPolicy[]): TrafficPeer[] | null {
  const peers = new Map<string, TrafficPeer>();
  const add = (peer: TrafficPeer) =>
    peers.set(JSON.stringify([peer.labels, peer.namespaceLabels, peer.ip]), peer);
  for (const labels of CLUSTER_DNS_LABEL_SETS) add(dnsPeer(labels, DNS_NAMESPACE_LABELS));
  const rulePeers = new Set<string>();
  for (const policy of policies)
    for (const rule of policy.spec?.egress ?? [])
      for (const to of rule.to ?? []) {
        const key = JSON.stringify(to);
        if (rulePeers.has(key)) continue;
        if (rulePeers.size >= MAX_RULE_PEERS) return null;
        rulePeers.add(key);
        if (to.ipBlock) {
          const ip = addressAdmittedBy(to.ipBlock);
          if (ip === undefined) return null;
          if (ip !== null) add(dnsPeer(CLUSTER_DNS_LABEL_SETS[0]!, DNS_NAMESPACE_LABELS, ip));
          continue;
        }
        const namespaceLabels = {
          ...(to.namespaceSelector ? labelsSelectedBy(to.namespaceSelector) : {}),
          ...DNS_NAMESPACE_LABELS,
        };
        for (const known of CLUSTER_DNS_LABEL_SETS)
          add(
            dnsPeer(
              { ...(to.podSelector ? labelsSelectedBy(to.podSelector) : {}), ...known },
              namespaceLabels,
            ),
          );
      }
  return [...peers.values()];
}
