/**
 * Container Insights alarms on EKS: dimension sets with a ClusterName and a node or pod name are
 * resolved through the cluster's API (the node's providerID gives its instance, a workload-level
 * PodName gives its least healthy pods and their nodes, a configured cluster's name alone gives its
 * failing nodes). Every other dimension set keeps the one target grammar of targets.ts. Without
 * cluster access a node still resolves through the target directory, a pod or a cluster cannot,
 * and that is recorded.
 */
import type { KubernetesAlarmTarget } from '../kubernetes/alarm-targets.js';
import type { Target } from './model.js';
import type { ClusterPort, TargetLocation } from './ports.js';

type Dimensions = Readonly<Record<string, string>>;

/** A dimension set that named nothing usable, with why (recorded on the `triggered` audit entry). */
export interface UnresolvedDimensions {
  readonly dimensions: Dimensions;
  readonly reason: string;
}

/** The cluster-resolved targets, what could not be resolved, and the dimension sets left to the target grammar. */
export interface ClusterResolution {
  readonly targets: readonly Target[];
  readonly unresolved: readonly UnresolvedDimensions[];
  readonly rest: readonly Dimensions[];
}

/**
 * True for a cluster-level dimension set (ClusterName alone: `cluster_failed_node_count`, node
 * metrics aggregated per cluster) of a configured EKS cluster. Its targets are the cluster's
 * failing nodes. Only configured clusters: ClusterName alone is also how ECS and other services
 * name their clusters (a set from their namespaces never gets here: alarm-event.ts leaves it out,
 * metric-namespace.ts).
 */
export function isClusterLevelDimensionSet(d: Dimensions, eksClusters: readonly string[]): boolean {
  const keys = Object.keys(d);
  return keys.length === 1 && keys[0] === 'ClusterName' && eksClusters.includes(d.ClusterName!);
}

/** True for a Container Insights node or pod dimension set (a cluster and something on it). */
export function isClusterDimensionSet(d: Dimensions): boolean {
  return (
    d.ClusterName !== undefined &&
    (d.NodeName !== undefined ||
      d.PodName !== undefined ||
      d.FullPodName !== undefined ||
      d.Namespace !== undefined)
  );
}

/**
 * A resolved node or pod as a workflow target. The id is the node's instance (SSM collects and
 * acts there, and the lock covers the node), else the node name, else the pod. `location` is the
 * alarm's account and region: the target carries it, so every later read and action goes there.
 * @example workflowTargetOf({ kind: 'node', cluster: 'prod', node: 'ip-10-0-1-23.ec2.internal', instanceId: 'i-0abc12345678' }) // { id: 'i-0abc12345678', platform: 'eks', … }
 */
export function workflowTargetOf(t: KubernetesAlarmTarget, location?: TargetLocation): Target {
  const id = t.instanceId ?? t.node ?? (t.kind === 'pod' ? `${t.namespace}/${t.pod}` : t.cluster);
  return {
    id,
    platform: 'eks',
    cluster: t.cluster,
    ...(location ? { account: location.account, region: location.region } : {}),
    ...(t.node ? { node: t.node } : {}),
    ...(t.instanceId ? { instanceId: t.instanceId } : {}),
    ...(t.kind === 'pod' ? { namespace: t.namespace, pod: t.pod } : {}),
  };
}

/**
 * Splits an alarm's dimension sets: the Container Insights ones (node, pod, and cluster-level sets
 * of `eksClusters`) are resolved through `cluster` (when wired) on the clusters of `location` (the
 * alarm's account and region), the others are returned in `rest` for the target grammar. Without
 * `cluster`, node sets go to `rest` (resolved through the target directory) and pod and
 * cluster-level sets are unresolved.
 */
export async function resolveClusterDimensions(
  dimensions: readonly Dimensions[],
  cluster: ClusterPort | undefined,
  location?: TargetLocation,
  eksClusters: readonly string[] = [],
): Promise<ClusterResolution> {
  const isOnCluster = (d: Dimensions) =>
    isClusterDimensionSet(d) || isClusterLevelDimensionSet(d, eksClusters);
  const onCluster = dimensions.filter(isOnCluster);
  const others = dimensions.filter((d) => !isOnCluster(d));
  if (onCluster.length === 0) return { targets: [], unresolved: [], rest: others };
  if (!cluster) {
    const needApi = onCluster.filter((d) => d.NodeName === undefined);
    return {
      targets: [],
      rest: [...others, ...onCluster.filter((d) => d.NodeName !== undefined)],
      unresolved: needApi.map((d) => ({
        dimensions: d,
        reason: `${isClusterDimensionSet(d) ? 'a pod-level alarm needs the cluster API to find its pods' : "a cluster-level alarm needs the cluster API to find the cluster's failing nodes"}, and no cluster access is configured (config eksClusters; locally --kubeconfig)`,
      })),
    };
  }
  const resolution = await cluster.resolve(onCluster, location);
  return {
    targets: resolution.targets.map((t) => workflowTargetOf(t, location)),
    unresolved: resolution.unresolved,
    rest: others,
  };
}
