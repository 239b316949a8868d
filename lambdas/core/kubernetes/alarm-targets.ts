/**
 * Where a Container Insights alarm points on a cluster. Pure: the dimensions come from the alarm,
 * and what only the API knows (a node's providerID, which pods a workload-level PodName names)
 * comes in as lookup results, so the decision is testable on alarm fixtures alone.
 *
 * Container Insights dimension sets (ContainerInsights namespace):
 * - node metrics: ClusterName, NodeName, InstanceId (InstanceId may be missing, e.g. from
 *   aggregated or OTel metrics: then the node's spec.providerID `aws:///<az>/<instance-id>` says it);
 * - pod metrics: ClusterName, Namespace, PodName, where PodName is the *workload* name
 *   (`reports` for pods `reports-6f5d4c3b2-k7j6h`) unless the agent runs with
 *   prefer_full_pod_name, and FullPodName (enhanced observability) is the pod's own name;
 * - cluster metrics: ClusterName alone (`cluster_failed_node_count`, node metrics aggregated per
 *   cluster): the alarm names the cluster, so its targets are the nodes that fail (failing-nodes.ts),
 *   less those being removed on purpose (node-removal.ts: they fail because they shut down).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 */
import { failingNodes, type NodeConditionFacts } from './failing-nodes.js';
import { removedAlarmNodeReason, removedNodesReason, type NodeRemover } from './node-removal.js';

/** Dimension values are untrusted text: only names of these shapes become targets. */
const CLUSTER = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** `aws:///eu-west-1a/i-0abc…` (EC2); Fargate and other providers have no instance. */
const AWS_PROVIDER_ID = /^aws:\/\/\/[a-z0-9-]{1,32}\/(i-[0-9a-f]{8,17})$/;

/** Most pods one workload-level alarm turns into (the least healthy first). */
export const MAX_PODS_PER_WORKLOAD_ALARM = 5;

/** A node the alarm names. */
export interface NodeAlarmTarget {
  readonly kind: 'node';
  readonly cluster: string;
  readonly node: string;
  readonly instanceId?: string;
}

/** A pod the alarm names, with the node it runs on when known (its node's evidence is collected too). */
export interface PodAlarmTarget {
  readonly kind: 'pod';
  readonly cluster: string;
  readonly namespace: string;
  readonly pod: string;
  readonly node?: string;
  readonly instanceId?: string;
}

/** A target on a cluster. */
export type KubernetesAlarmTarget = NodeAlarmTarget | PodAlarmTarget;

/** What the resolver needs read from a cluster before it can decide. */
export interface KubernetesLookups {
  /** Clusters whose every node is needed (a cluster-level alarm: which of them fail). */
  readonly clusters: readonly string[];
  /** Nodes whose providerID (and so instance id) is needed, by cluster. */
  readonly nodes: readonly { readonly cluster: string; readonly node: string }[];
  /** Pods named by a pod alarm (exact or workload-level name), by cluster and namespace. */
  readonly pods: readonly {
    readonly cluster: string;
    readonly namespace: string;
    readonly podName: string;
  }[];
}

/** A node as read for resolution. */
export interface NodeFacts {
  readonly cluster: string;
  readonly node: string;
  readonly providerID?: string;
  /** Read with a cluster's node list (a cluster-level alarm); a single node read leaves them out. */
  readonly conditions?: readonly NodeConditionFacts[];
  /** Who is removing the node (an autoscaler's taint, a deleted Node object); absent when nothing is. */
  readonly removedBy?: NodeRemover;
}

/** A pod as read for resolution (the candidates of one pod alarm). */
export interface PodFacts {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName?: string;
  /** Name of the controlling owner (ReplicaSet `reports-6f5d4c3b2`, DaemonSet, StatefulSet…). */
  readonly ownerName?: string;
  readonly ownerKind?: string;
  readonly phase?: string;
  readonly ready?: boolean;
  readonly restarts?: number;
}

/** Lookup results; a missing entry means it could not be read (the resolution says so). */
export interface KubernetesFacts {
  readonly nodes?: readonly NodeFacts[];
  /** Every node of each cluster a cluster-level alarm names, by cluster; a cluster left out could not be listed. */
  readonly clusterNodes?: Readonly<Record<string, readonly NodeFacts[]>>;
  /** Why a cluster's node list is missing (the API's error) or incomplete (where it stopped), by cluster. */
  readonly clusterNodeListNotes?: Readonly<Record<string, string>>;
  readonly pods?: readonly PodFacts[];
  /**
   * Namespaces whose pod list is missing (`error`: the API's answer) or incomplete (`cut`: where it
   * stopped), by `cluster/namespace`; a namespace read in full, or not needed, is not here.
   */
  readonly podListNotes?: Readonly<Record<string, PodListNote>>;
}

/** Why the pods of a namespace are not all known. */
export type PodListNote = { readonly error: string } | { readonly cut: string };

/** The decision: targets, and every dimension set that named nothing usable, with why. */
export interface KubernetesTargetResolution {
  readonly targets: readonly KubernetesAlarmTarget[];
  readonly unresolved: readonly {
    readonly dimensions: Readonly<Record<string, string>>;
    readonly reason: string;
  }[];
}

type Dimensions = Readonly<Record<string, string>>;

/** The EC2 instance id in a node's providerID, or undefined (Fargate, another provider, malformed). */
export function instanceIdFromProviderId(providerID: string | undefined): string | undefined {
  return providerID ? AWS_PROVIDER_ID.exec(providerID)?.[1] : undefined;
}

/**
 * The line that says why a node alarm whose instance no longer holds the node's name has no target:
 * the Node of that name is another instance (EC2 gave the name to it once the alarm's was gone), so
 * evidence read and actions taken by that name would be about a machine the alarm never measured.
 * @example reusedNodeNameReason('prod', 'ip-10-0-1-23.ec2.internal', 'i-0aaa', 'i-0bbb') // 'node ip-10-0-1-23.ec2.internal of cluster prod is now instance i-0bbb, not the alarm's i-0aaa: not a target: …'
 */
export function reusedNodeNameReason(
  cluster: string,
  node: string,
  alarmInstance: string,
  nodeInstance: string,
): string {
  return `node ${node} of cluster ${cluster} is now instance ${nodeInstance}, not the alarm's ${alarmInstance}: not a target: the node name went to a new instance once the alarm's was gone, so reading or draining the node by that name would reach the other machine; the alarm's instance sends no more metrics, so this alarm goes to INSUFFICIENT_DATA (or stays in ALARM if it treats missing data as breaching or ignores it); if ${alarmInstance} failed before it went, its EC2 state reason and the cluster's events from then say why`;
}

/** The names a dimension set carries, validated; `kind` says which Container Insights level it is. */
function parse(
  d: Dimensions,
):
  | { kind: 'node'; cluster: string; node: string; instanceId?: string }
  | { kind: 'pod'; cluster: string; namespace: string; podName: string; full: boolean }
  | { kind: 'cluster'; cluster: string }
  | { kind: 'none'; reason: string } {
  const cluster = d.ClusterName;
  if (!cluster) return { kind: 'none', reason: 'no ClusterName dimension' };
  if (!CLUSTER.test(cluster))
    return { kind: 'none', reason: 'ClusterName is not an EKS cluster name' };
  const podName = d.FullPodName ?? d.PodName;
  if (podName !== undefined || d.Namespace !== undefined) {
    if (!d.Namespace || !DNS_LABEL.test(d.Namespace))
      return { kind: 'none', reason: 'a pod dimension set without a valid Namespace' };
    if (!podName || !DNS_SUBDOMAIN.test(podName))
      return {
        kind: 'none',
        reason:
          'Namespace without a valid PodName or FullPodName (namespace-level alarms name no pod)',
      };
    return {
      kind: 'pod',
      cluster,
      namespace: d.Namespace,
      podName,
      full: d.FullPodName !== undefined,
    };
  }
  if (d.NodeName !== undefined) {
    if (!DNS_SUBDOMAIN.test(d.NodeName))
      return { kind: 'none', reason: 'NodeName is not a Kubernetes node name' };
    const instanceId = d.InstanceId && INSTANCE_ID.test(d.InstanceId) ? d.InstanceId : undefined;
    return { kind: 'node', cluster, node: d.NodeName, ...(instanceId ? { instanceId } : {}) };
  }
  if (Object.keys(d).length === 1) return { kind: 'cluster', cluster };
  return {
    kind: 'none',
    reason:
      'ClusterName with dimensions other than NodeName, InstanceId or a pod names no node or pod',
  };
}

/**
 * What must be read from the clusters before `resolveKubernetesAlarmTargets` can decide: the node
 * list of every cluster-level set's cluster, every node a node-level set names (its instance when
 * the InstanceId dimension is missing, and whether it is being removed either way), and the pods
 * of every pod-level dimension set.
 * @example kubernetesLookupsFor([{ ClusterName: 'prod', NodeName: 'ip-10-0-1-23.ec2.internal' }]) // nodes: [{ cluster: 'prod', node: … }]
 */
export function kubernetesLookupsFor(dimensions: readonly Dimensions[]): KubernetesLookups {
  const clusters = new Set<string>();
  const nodes = new Map<string, { cluster: string; node: string }>();
  const pods = new Map<string, { cluster: string; namespace: string; podName: string }>();
  for (const d of dimensions) {
    const p = parse(d);
    if (p.kind === 'cluster') clusters.add(p.cluster);
    if (p.kind === 'node')
      nodes.set(`${p.cluster}/${p.node}`, { cluster: p.cluster, node: p.node });
    if (p.kind === 'pod')
      pods.set(`${p.cluster}/${p.namespace}/${p.podName}`, {
        cluster: p.cluster,
        namespace: p.namespace,
        podName: p.podName,
      });
  }
  return { clusters: [...clusters], nodes: [...nodes.values()], pods: [...pods.values()] };
}

/**
 * True when `pod` belongs to the workload Container Insights calls `workload`: the owner's name
 * is the workload (DaemonSet, StatefulSet, Job) or the workload plus a ReplicaSet hash (Deployment).
 */
export function podBelongsToWorkload(pod: PodFacts, workload: string): boolean {
  const owner = pod.ownerName;
  if (!owner) return false;
  if (owner === workload) return true;
  return (
    pod.ownerKind === 'ReplicaSet' &&
    owner.startsWith(`${workload}-`) &&
    /^[a-z0-9]{5,10}$/.test(owner.slice(workload.length + 1))
  );
}

/** Least healthy first: not running, then not ready, then most restarts. */
function unhealthiness(p: PodFacts): number {
  return (
    (p.phase !== 'Running' ? 1_000_000 : 0) +
    (p.ready === false ? 100_000 : 0) +
    Math.min(p.restarts ?? 0, 99_999)
  );
}

/**
 * Turns an alarm's dimension sets into node and pod targets. Nodes get their instance id from the
 * InstanceId dimension or else from the node's providerID; a pod alarm names the pod itself
 * (FullPodName, or a PodName that is a pod) or the least healthy pods of the workload it names,
 * each with its node. Anything that cannot be resolved is listed with the reason, never guessed.
 * @example resolveKubernetesAlarmTargets([{ ClusterName: 'prod', Namespace: 'shop', PodName: 'reports' }], { pods })
 */
export function resolveKubernetesAlarmTargets(
  dimensions: readonly Dimensions[],
  facts: KubernetesFacts = {},
): KubernetesTargetResolution {
  const targets = new Map<string, KubernetesAlarmTarget>();
  const unresolved: { dimensions: Dimensions; reason: string }[] = [];
  const nodeFacts = new Map((facts.nodes ?? []).map((n) => [`${n.cluster}/${n.node}`, n]));
  const instanceOf = (cluster: string, node: string | undefined) =>
    node ? instanceIdFromProviderId(nodeFacts.get(`${cluster}/${node}`)?.providerID) : undefined;
  for (const d of dimensions) {
    const p = parse(d);
    if (p.kind === 'none') {
      unresolved.push({ dimensions: d, reason: p.reason });
      continue;
    }
    if (p.kind === 'cluster') {
      const listed = facts.clusterNodes?.[p.cluster];
      const note = facts.clusterNodeListNotes?.[p.cluster];
      const allFailing = listed ? failingNodes(listed) : [];
      // A node being removed reads NotReady while it shuts down: not a failure to collect from or act on.
      const failing = allFailing.filter(({ node }) => !node.removedBy);
      const removed = allFailing.flatMap(({ node }) =>
        node.removedBy ? [{ node: node.node, removedBy: node.removedBy }] : [],
      );
      if (!listed)
        unresolved.push({
          dimensions: d,
          reason: `the nodes of cluster ${p.cluster} could not be listed${note ? ` (${note})` : ''}: a cluster-level alarm's targets are its failing nodes`,
        });
      else if (note)
        // A cut list (a cluster past the list's bounds) may hide failing nodes: say so beside the targets.
        unresolved.push({
          dimensions: d,
          reason: `the node list of cluster ${p.cluster} stopped after ${listed.length} nodes (${note}): failing nodes past them are not targets`,
        });
      else if (allFailing.length === 0)
        unresolved.push({
          dimensions: d,
          reason: `no node of cluster ${p.cluster} reports a failing condition (Ready not True, or DiskPressure, MemoryPressure, PIDPressure or NetworkUnavailable not False) among its ${listed.length} nodes`,
        });
      if (removed.length)
        unresolved.push({
          dimensions: d,
          reason: removedNodesReason(p.cluster, removed, failing.length === 0),
        });
      const noInstance: string[] = [];
      for (const { node } of failing) {
        const instanceId = instanceIdFromProviderId(node.providerID);
        if (!instanceId) noInstance.push(node.node);
        targets.set(`node:${p.cluster}/${node.node}`, {
          kind: 'node',
          cluster: p.cluster,
          node: node.node,
          ...(instanceId ? { instanceId } : {}),
        });
      }
      // As for a node alarm: the API can still read and act on them; one line for all of them.
      if (noInstance.length)
        unresolved.push({
          dimensions: d,
          reason: `${noInstance.length} failing nodes of cluster ${p.cluster} have no EC2 providerID (${noInstance.slice(0, 5).join(', ')}${noInstance.length > 5 ? ` and ${noInstance.length - 5} more` : ''}): node-side (SSM) evidence and actions are not possible on them`,
        });
      continue;
    }
    if (p.kind === 'node') {
      const known = nodeFacts.get(`${p.cluster}/${p.node}`);
      // A node name (a private DNS name) is reused by a new instance once the old one is gone: the
      // Node of that name is then another machine, and the node's name is what the Kubernetes
      // evidence and the node actions (drain, replace) go by. Neither a target nor its removal.
      const nodeInstance = instanceIdFromProviderId(known?.providerID);
      if (p.instanceId && nodeInstance && nodeInstance !== p.instanceId) {
        unresolved.push({
          dimensions: d,
          reason: reusedNodeNameReason(p.cluster, p.node, p.instanceId, nodeInstance),
        });
        continue;
      }
      // As for a cluster-level alarm: a node shutting down on purpose fails because it leaves.
      if (known?.removedBy) {
        unresolved.push({
          dimensions: d,
          reason: removedAlarmNodeReason(p.cluster, p.node, known.removedBy),
        });
        continue;
      }
      const instanceId = p.instanceId ?? instanceOf(p.cluster, p.node);
      if (!instanceId) {
        unresolved.push({
          dimensions: d,
          reason: known
            ? `node ${p.node} has no EC2 providerID (${known.providerID ?? 'none'}): node-side (SSM) evidence and actions are not possible`
            : `node ${p.node} could not be read from cluster ${p.cluster}: its instance id is unknown`,
        });
      }
      // The node is still a target: the Kubernetes API can read and act on it without an instance.
      targets.set(`node:${p.cluster}/${p.node}`, {
        kind: 'node',
        cluster: p.cluster,
        node: p.node,
        ...(instanceId ? { instanceId } : {}),
      });
      continue;
    }
    const candidates = (facts.pods ?? []).filter(
      (x) => x.cluster === p.cluster && x.namespace === p.namespace,
    );
    const exact = candidates.find((x) => x.name === p.podName);
    const chosen = exact
      ? [exact]
      : p.full
        ? []
        : candidates
            .filter((x) => podBelongsToWorkload(x, p.podName))
            .sort((a, b) => unhealthiness(b) - unhealthiness(a) || a.name.localeCompare(b.name))
            .slice(0, MAX_PODS_PER_WORKLOAD_ALARM);
    // A list that failed or stopped early proves no pod is gone: say which, never "no pod".
    const note = facts.podListNotes?.[`${p.cluster}/${p.namespace}`];
    const sought = `${p.full ? 'named' : 'named or owned by workload'} ${p.podName}`;
    if (chosen.length === 0) {
      unresolved.push({
        dimensions: d,
        reason: !note
          ? `no pod ${sought} in ${p.cluster}/${p.namespace} (gone, or not readable)`
          : 'error' in note
            ? `the pods of ${p.cluster}/${p.namespace} could not be read (${note.error}): whether a pod ${sought} exists is unknown`
            : `no pod ${sought} among the ${candidates.length} pods of ${p.cluster}/${p.namespace} read before the list stopped (${note.cut}): pods past them were not read`,
      });
      continue;
    }
    if (!exact && note && 'cut' in note)
      unresolved.push({
        dimensions: d,
        reason: `the pod list of ${p.cluster}/${p.namespace} stopped after ${candidates.length} pods (${note.cut}): pods of workload ${p.podName} past them are not targets`,
      });
    for (const pod of chosen) {
      const instanceId = instanceOf(p.cluster, pod.nodeName);
      targets.set(`pod:${p.cluster}/${p.namespace}/${pod.name}`, {
        kind: 'pod',
        cluster: p.cluster,
        namespace: p.namespace,
        pod: pod.name,
        ...(pod.nodeName ? { node: pod.nodeName } : {}),
        ...(instanceId ? { instanceId } : {}),
      });
    }
  }
  return { targets: [...targets.values()], unresolved };
}
