import {
  instanceIdFromProviderId,
  kubernetesLookupsFor,
  resolveKubernetesAlarmTargets,
  type KubernetesFacts,
  type KubernetesLookups,
  type KubernetesTargetResolution,
  type NodeFacts,
  type PodFacts,
  type PodListNote,
} from '../../core/kubernetes/alarm-targets.js';
import { nodeRemovedBy } from '../../core/kubernetes/node-removal.js';
import type { Node, Pod } from '../../core/kubernetes/types.js';
import type { TargetLocation } from '../../core/workflow/ports.js';
import { formatApiFailure } from '../../core/kubernetes/render/cluster-status.js';
import { toApiFailure } from './api-errors.js';
import { abortOn, withTimeout } from './request-timeout.js';
import type { KubeAccessFor } from './eks-access-for.js';
import { listAllPages, type ListBounds } from './paged-list.js';

/** Distinct nodes read for the pods of one resolution; beyond this pods keep their node name only. */
const MAX_NODE_READS = 20;

/**
 * A cluster-level alarm lists every node: up to 10,000, 500 a page (a page of EKS nodes is some
 * megabytes: each is reduced to its name, providerID, conditions and who removes it before the next
 * is read).
 */
const CLUSTER_NODE_LIST: ListBounds = { pageSize: 500, maxPages: 20, maxItems: 10_000 };
/** The whole node list's time (each page has requestTimeoutMs): Intake's function has 55 s for all its work. */
const CLUSTER_NODE_LIST_MS = 30_000;

/**
 * A workload-level pod alarm lists its namespace (the alarm names the workload, not a selector,
 * and the collection role reads no workloads): up to 10,000 pods, 500 a page, each page reduced
 * to the facts resolution needs.
 */
const NAMESPACE_POD_LIST: ListBounds = { pageSize: 500, maxPages: 20, maxItems: 10_000 };
/** The whole pod list's time; it runs beside the node lists, within Intake's 55 s. */
const NAMESPACE_POD_LIST_MS = 30_000;

/** The facts a cluster-level alarm needs from a node object: its name, instance, conditions and whether it is being removed. */
function nodeConditionFacts(cluster: string, node: Node): NodeFacts {
  const removedBy = nodeRemovedBy(node);
  return {
    cluster,
    node: node.metadata?.name ?? '',
    ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
    conditions: (node.status?.conditions ?? []).map((x) => ({ type: x.type, status: x.status })),
    ...(removedBy ? { removedBy } : {}),
  };
}

/** The facts resolution needs from a pod object. */
export function podFacts(cluster: string, pod: Pod): PodFacts {
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller);
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    cluster,
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(owner ? { ownerName: owner.name, ownerKind: owner.kind } : {}),
    ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
    ready: statuses.length > 0 && statuses.every((s) => s.ready),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
  };
}

/**
 * Reads what alarm-target resolution needs from the clusters: node providerIDs (node name ->
 * instance id) and the pods a pod-level alarm names. A read that fails leaves its fact out, and
 * the resolution reports that target as unresolved with the reason; nothing here throws for an
 * unreachable or forbidden cluster.
 */
export class KubernetesTargetLookup {
  constructor(
    private readonly accessFor: KubeAccessFor,
    private readonly requestTimeoutMs = 10_000,
    /** How far a cluster-level alarm's node list goes. */
    private readonly clusterNodeList: ListBounds = CLUSTER_NODE_LIST,
    /** How far a workload-level pod alarm's namespace pod list goes. */
    private readonly namespacePodList: ListBounds = NAMESPACE_POD_LIST,
  ) {}

  /** Reads one node (its instance, and who removes it); undefined when it does not exist or cannot be read. */
  private async node(
    cluster: string,
    name: string,
    location?: TargetLocation,
  ): Promise<NodeFacts | undefined> {
    try {
      const c = await this.accessFor(cluster, location).clients();
      const node = (await withTimeout(`read node ${name}`, this.requestTimeoutMs, (signal) =>
        c.core.readNode({ name }, abortOn(signal)),
      )) as unknown as Node;
      const removedBy = nodeRemovedBy(node);
      return {
        cluster,
        node: name,
        ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
        ...(removedBy ? { removedBy } : {}),
      };
    } catch {
      return undefined;
    }
  }

  /**
   * The pods an alarm's pod names may mean in one namespace: each name read as a pod first (a
   * FullPodName, or a PodName that is a pod's own, needs no list), and only when one is not a pod
   * the namespace listed (paged, under a budget of its own) for the workload it names. A list that
   * fails or stops at its bounds comes back as a note, so resolution says so instead of "no pod".
   */
  private async pods(
    cluster: string,
    namespace: string,
    podNames: readonly string[],
    location?: TargetLocation,
  ): Promise<{ pods: PodFacts[]; note?: PodListNote }> {
    let server = cluster;
    // Pods read by name stand even when the namespace's list then fails.
    let found: PodFacts[] = [];
    try {
      const c = await this.accessFor(cluster, location).clients();
      server = c.server;
      const named = await Promise.all(
        podNames.map(async (name) => {
          try {
            const pod = (await withTimeout(
              `read pod ${namespace}/${name}`,
              this.requestTimeoutMs,
              (signal) => c.core.readNamespacedPod({ name, namespace }, abortOn(signal)),
            )) as unknown as Pod;
            return podFacts(cluster, pod);
          } catch {
            // Not a pod's name (404: a workload's), or not readable: the list below decides.
            return undefined;
          }
        }),
      );
      found = named.filter((p): p is PodFacts => p !== undefined);
      if (found.length === podNames.length) return { pods: found };
      const list = await withTimeout(
        `list the pods of ${cluster}/${namespace}`,
        NAMESPACE_POD_LIST_MS,
        (whole) =>
          listAllPages(async (page) => {
            const read = await withTimeout(
              `list the pods of ${cluster}/${namespace}`,
              this.requestTimeoutMs,
              (signal) => c.core.listNamespacedPod({ namespace, ...page }, abortOn(signal)),
              whole,
            );
            // Only the facts are kept: the page's pod objects go with it.
            return {
              items: (read.items ?? []).map((p) => podFacts(cluster, p as unknown as Pod)),
              metadata: read.metadata,
            };
          }, this.namespacePodList),
      );
      const listed = new Set(list.items.map((p) => p.name));
      return {
        pods: [...list.items, ...found.filter((p) => !listed.has(p.name))],
        ...(list.cut ? { note: { cut: list.cut } } : {}),
      };
    } catch (error) {
      return { pods: found, note: { error: formatApiFailure(toApiFailure(error, server)) } };
    }
  }

  /** Every node of a cluster with its conditions (paged), and why the list stopped early; the API's error when it cannot be read. */
  private async clusterNodes(
    cluster: string,
    location?: TargetLocation,
  ): Promise<{ nodes: NodeFacts[]; cut?: string } | { error: string }> {
    let server = cluster;
    try {
      const c = await this.accessFor(cluster, location).clients();
      server = c.server;
      const list = await withTimeout(
        `list the nodes of ${cluster}`,
        CLUSTER_NODE_LIST_MS,
        (whole) =>
          listAllPages(async (page) => {
            const read = await withTimeout(
              `list the nodes of ${cluster}`,
              this.requestTimeoutMs,
              (signal) => c.core.listNode(page, abortOn(signal)),
              whole,
            );
            // Only the facts are kept: the page's node objects (images, labels) go with it.
            return {
              items: (read.items ?? []).map((n) =>
                nodeConditionFacts(cluster, n as unknown as Node),
              ),
              metadata: read.metadata,
            };
          }, this.clusterNodeList),
      );
      return { nodes: list.items, ...(list.cut ? { cut: list.cut } : {}) };
    } catch (error) {
      return { error: formatApiFailure(toApiFailure(error, server)) };
    }
  }

  /** Performs the lookups `kubernetesLookupsFor` asked for, plus the nodes of the pods found, on the clusters of `location`. */
  async read(lookups: KubernetesLookups, location?: TargetLocation): Promise<KubernetesFacts> {
    const clusterNodes: Record<string, NodeFacts[]> = {};
    const clusterNodeListNotes: Record<string, string> = {};
    const namespaces = new Map<string, { cluster: string; namespace: string; names: string[] }>();
    for (const p of lookups.pods) {
      const key = `${p.cluster}/${p.namespace}`;
      const entry = namespaces.get(key) ?? {
        cluster: p.cluster,
        namespace: p.namespace,
        names: [],
      };
      entry.names.push(p.podName);
      namespaces.set(key, entry);
    }
    const podListNotes: Record<string, PodListNote> = {};
    // The node lists and the pod lists are independent: read side by side, each with its budget.
    const [, podReads] = await Promise.all([
      Promise.all(
        lookups.clusters.map(async (cluster) => {
          const list = await this.clusterNodes(cluster, location);
          if ('nodes' in list) clusterNodes[cluster] = list.nodes;
          const note = 'error' in list ? list.error : list.cut;
          if (note) clusterNodeListNotes[cluster] = note;
        }),
      ),
      Promise.all(
        [...namespaces.entries()].map(async ([key, n]) => {
          const read = await this.pods(n.cluster, n.namespace, n.names, location);
          if (read.note) podListNotes[key] = read.note;
          return read.pods;
        }),
      ),
    ]);
    const pods = podReads.flat();
    const nodeKeys = new Map<string, { cluster: string; node: string }>();
    for (const n of lookups.nodes) nodeKeys.set(`${n.cluster}/${n.node}`, n);
    for (const p of pods)
      if (p.nodeName && nodeKeys.size < lookups.nodes.length + MAX_NODE_READS)
        nodeKeys.set(`${p.cluster}/${p.nodeName}`, { cluster: p.cluster, node: p.nodeName });
    const nodes = (
      await Promise.all([...nodeKeys.values()].map((n) => this.node(n.cluster, n.node, location)))
    ).filter((n): n is NodeFacts => n !== undefined);
    return { nodes, pods, clusterNodes, clusterNodeListNotes, podListNotes };
  }

  /**
   * The whole resolution for an alarm's dimension sets: decide what to read, read it (on the
   * clusters of the alarm's account and region), decide.
   * @example await lookup.resolve(alarm.dimensions) // { targets: [{ kind: 'pod', cluster, namespace, pod, node, instanceId }], unresolved: [] }
   */
  async resolve(
    dimensions: readonly Readonly<Record<string, string>>[],
    location?: TargetLocation,
  ): Promise<KubernetesTargetResolution> {
    const lookups = kubernetesLookupsFor(dimensions);
    const facts =
      lookups.clusters.length + lookups.nodes.length + lookups.pods.length > 0
        ? await this.read(lookups, location)
        : {};
    return resolveKubernetesAlarmTargets(dimensions, facts);
  }

  /** The EC2 instance behind a node (the workflow's TargetDirectory.instanceOfNode shape). */
  async instanceOfNode(
    cluster: string,
    node: string,
    location?: TargetLocation,
  ): Promise<string | undefined> {
    return instanceIdFromProviderId((await this.node(cluster, node, location))?.providerID);
  }
}
