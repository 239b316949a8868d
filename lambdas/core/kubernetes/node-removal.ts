/**
 * Which nodes are being removed on purpose. A node that Karpenter or the Cluster Autoscaler scales
 * in, or whose Node object was deleted, drains, and its kubelet stops posting once the instance
 * shuts down: it reads NotReady/Unknown, and Container Insights counts it in
 * `cluster_failed_node_count`, until the object is gone. Such a node is not a failure to collect
 * from or remediate: it is about to disappear, and a run's target cap and a runbook's guard
 * (node-not-ready's maxTargets 1) are for the nodes that broke.
 *
 * A plain cordon (`spec.unschedulable`, the `node.kubernetes.io/unschedulable` taint) is not
 * removal: a person, Paramedic's own cordon action or a maintenance tool sets it on a node that
 * stays. Each autoscaler marks its own removals with a taint of its own instead:
 * - Cluster Autoscaler: `ToBeDeletedByClusterAutoscaler` (value: when, in Unix seconds);
 * - Karpenter v1: `karpenter.sh/disrupted:NoSchedule`, set by its disruption and termination
 *   controllers (it then deletes the Node, which its finalizer keeps until the instance is gone);
 * - Karpenter v0.32 to v0.37 (v1beta1 APIs): `karpenter.sh/disruption=disrupting:NoSchedule`
 *   (the key alone is not enough: the value names the state).
 * @see https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/utils/taints/taints.go (ToBeDeletedTaint)
 * @see https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/apis/v1/taints.go (DisruptedTaintKey)
 * @see https://github.com/kubernetes-sigs/karpenter/blob/v0.37.0/pkg/apis/v1beta1/taints.go (DisruptionTaintKey, DisruptingNoScheduleTaintValue)
 * @see https://karpenter.sh/docs/concepts/disruption/ (Control Flow: the taint, then delete; the finalizer)
 * @see https://github.com/kubernetes-sigs/karpenter/issues/2467 (a terminating Karpenter node counted by cluster_failed_node_count)
 */
import type { Node } from './types.js';

/** Who is removing a node: an autoscaler's taint says which; `deletion` is a Node object deleted without one. */
export type NodeRemover = 'karpenter' | 'cluster-autoscaler' | 'deletion';

/** The Cluster Autoscaler's scale-in taint (its value is a Unix time, so only the key is read). */
const CLUSTER_AUTOSCALER_TAINT = 'ToBeDeletedByClusterAutoscaler';
/** Karpenter v1's disruption taint. */
const KARPENTER_TAINT = 'karpenter.sh/disrupted';
/** Karpenter v0.32-v0.37's disruption taint, and the value that marks a node it is disrupting. */
const KARPENTER_V1BETA1_TAINT = { key: 'karpenter.sh/disruption', value: 'disrupting' };

/**
 * Who is removing `node`, or undefined when nothing is (a cordon alone is not removal). An
 * autoscaler's taint wins over a deletionTimestamp: Karpenter taints, then deletes, and the operator
 * is told which autoscaler to look at.
 * @example nodeRemovedBy({ spec: { taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }] } }) // 'karpenter'
 */
export function nodeRemovedBy(node: Pick<Node, 'metadata' | 'spec'>): NodeRemover | undefined {
  const taints = node.spec?.taints ?? [];
  if (
    taints.some(
      (t) =>
        t.key === KARPENTER_TAINT ||
        (t.key === KARPENTER_V1BETA1_TAINT.key && t.value === KARPENTER_V1BETA1_TAINT.value),
    )
  )
    return 'karpenter';
  if (taints.some((t) => t.key === CLUSTER_AUTOSCALER_TAINT)) return 'cluster-autoscaler';
  return node.metadata?.deletionTimestamp ? 'deletion' : undefined;
}

/** Most node names one line lists. */
const MAX_NAMES = 5;

/** How the line names each remover. */
const BY: Record<NodeRemover, string> = {
  karpenter: 'by Karpenter',
  'cluster-autoscaler': 'by the Cluster Autoscaler',
  deletion: 'by a delete of the Node object',
};

/** `a, b and c`. */
const andList = (items: readonly string[]) =>
  items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items.join('');

/**
 * The line that says which failing nodes of a cluster were left out of a cluster-level alarm's
 * targets because they are being removed, for an operator who reads it in the middle of the night:
 * who removes them, which they are, and what that means; `noneLeft` when no failing node remains.
 * @example removedNodesReason('shop-prod', [{ node: 'a', removedBy: 'karpenter' }], false) // '1 failing node of cluster shop-prod is being removed by Karpenter (a): not a target: …'
 */
export function removedNodesReason(
  cluster: string,
  removed: readonly { readonly node: string; readonly removedBy: NodeRemover }[],
  noneLeft: boolean,
): string {
  const counts = new Map<NodeRemover, number>();
  for (const r of removed) counts.set(r.removedBy, (counts.get(r.removedBy) ?? 0) + 1);
  const by =
    counts.size === 1
      ? ` ${BY[removed[0]!.removedBy]}`
      : `, ${andList([...counts].map(([who, n]) => `${n} ${BY[who]}`))}`;
  const names = removed.slice(0, MAX_NAMES).map((r) => r.node);
  const more = removed.length > MAX_NAMES ? ` and ${removed.length - MAX_NAMES} more` : '';
  const one = removed.length === 1;
  const which = one
    ? `${noneLeft ? 'the only' : '1'} failing node of cluster ${cluster} is`
    : `${noneLeft ? 'all ' : ''}${removed.length} failing nodes of cluster ${cluster} are`;
  // An autoscaler also removes nodes that failed first (the Cluster Autoscaler's unready nodes,
  // Karpenter's node repair): say that the cause leaves with the node, not that nothing failed.
  const what = noneLeft
    ? `no targets: nothing is left to collect from or act on, and the alarm should clear once ${one ? 'it is' : 'they are'} gone; if ${one ? 'it' : 'they'} failed first, the autoscaler events say why it removed ${one ? 'it' : 'them'}`
    : `${one ? 'not a target: its' : 'not targets: their'} pods move to other nodes, which are targets if they fail; if ${one ? 'it' : 'they'} failed first, the autoscaler events say why it removed ${one ? 'it' : 'them'}`;
  return `${which} being removed${by} (${names.join(', ')}${more}): ${what}; a node still there long after is a stuck removal (a finalizer, a pod that will not evict)`;
}

/**
 * The line that says why a node-level alarm has no target: the node it names is being removed on
 * purpose (it fails because it shuts down), what the alarm does once it is gone, and what the
 * operator looks at if it failed first.
 * @example removedAlarmNodeReason('shop-prod', 'ip-10-0-1-23.ec2.internal', 'karpenter') // 'node ip-10-0-1-23.ec2.internal of cluster shop-prod is being removed by Karpenter: not a target: …'
 */
export function removedAlarmNodeReason(
  cluster: string,
  node: string,
  removedBy: NodeRemover,
): string {
  const why =
    removedBy === 'deletion'
      ? "the Node's events and the Kubernetes audit log say who deleted it"
      : 'the autoscaler events say why it removed it';
  // Unlike cluster_failed_node_count, a per-node metric stops with its node: the alarm never reads OK again.
  return `node ${node} of cluster ${cluster} is being removed ${BY[removedBy]}: not a target: it shuts down on purpose and its pods move to other nodes, which are targets if they fail; once it is gone its metrics stop, so this alarm goes to INSUFFICIENT_DATA, not OK (it stays in ALARM if it treats missing data as breaching or ignores it); if it failed first, ${why}; a node still there long after is a stuck removal (a finalizer, a pod that will not evict)`;
}
