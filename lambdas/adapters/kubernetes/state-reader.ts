import { podBelongsToWorkload } from '../../core/kubernetes/alarm-targets.js';
import { formatApiFailure } from '../../core/kubernetes/render/cluster-status.js';
import {
  checkKubernetesState,
  type DiagnosisBaseline,
  type Observation,
  type ObservedKubernetesState,
  type ObservedNode,
  type ObservedPod,
  type StateCheck,
} from '../../core/kubernetes/state-checks.js';
import type { Node, Pod, Timestamp } from '../../core/kubernetes/types.js';
import { locationOf } from '../../core/workflow/target-location.js';
import { httpStatusOf, toApiFailure } from './api-errors.js';
import { abortOn, withTimeout } from './request-timeout.js';
import type { KubeAccessFor } from './eks-access-for.js';
import type { KubeClients } from './kube-access.js';
import { listAllPages, type ListBounds } from './paged-list.js';
import { podFacts } from './target-lookup.js';

/** What Verify re-reads: the target's node and/or pod on its cluster (in its account and region when given). */
export interface VerifyTarget {
  readonly cluster: string;
  readonly account?: string;
  readonly region?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
}

const iso = (t: Timestamp | undefined) =>
  t === undefined ? undefined : t instanceof Date ? t.toISOString() : t;

/** The fields verification reads from a pod. */
export function observePod(pod: Pod): ObservedPod {
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
    containers: (pod.status?.containerStatuses ?? []).map((s) => {
      const finished = iso(s.lastState?.terminated?.finishedAt);
      return {
        name: s.name,
        ready: s.ready,
        restartCount: s.restartCount,
        ...(s.state?.waiting?.reason ? { waitingReason: s.state.waiting.reason } : {}),
        ...(finished ? { lastTerminatedAt: finished } : {}),
      };
    }),
  };
}

/** How far the list of a namespace's pods goes when a replaced pod is followed to its workload's: 500 a page, up to 10,000. */
const NAMESPACE_POD_LIST: ListBounds = { pageSize: 500, maxPages: 20, maxItems: 10_000 };
/** That list's whole time (each page has the request timeout): Verify's function has minutes, not hours. */
const NAMESPACE_POD_LIST_MS = 30_000;

/**
 * The workloads a generated pod name may belong to: a Deployment's (`<workload>-<rs hash>-<5>`),
 * or its controller's own, which named it `<controller>-<5>` (a ReplicaSet, DaemonSet or Job: the
 * VPC CNI's `aws-node-x7k2p`). A pod's owner decides which, so both are asked.
 */
function workloadsOfPodName(name: string): string[] {
  const deployment = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(name)?.[1];
  const controller = /^(.+)-[a-z0-9]{5}$/.exec(name)?.[1];
  return [deployment, controller].filter((w): w is string => w !== undefined);
}

/**
 * Re-reads the Kubernetes state a diagnosis rested on, for Verify: the node's conditions and the
 * pod's phase, readiness and restarts. A deleted or rollout-restarted pod is followed to the pods
 * of the same workload that replaced it. Reads that fail become `unknown` checks with the API's
 * answer (Forbidden, refused, timeout), never passes.
 */
export class KubernetesStateReader {
  constructor(
    private readonly accessFor: KubeAccessFor,
    private readonly requestTimeoutMs = 10_000,
    /** How far the namespace's pod list goes when a replaced pod is followed to its workload's. */
    private readonly namespacePodList: ListBounds = NAMESPACE_POD_LIST,
  ) {}

  private failed(error: unknown, c: KubeClients | undefined): { read: false; reason: string } {
    return {
      read: false,
      reason: c
        ? formatApiFailure(toApiFailure(error, c.server))
        : `cluster access failed: ${(error as Error)?.message ?? String(error)}`,
    };
  }

  /** The target's node and pods as they are now. */
  async observe(target: VerifyTarget): Promise<ObservedKubernetesState> {
    let c: KubeClients | undefined;
    try {
      c = await this.accessFor(target.cluster, locationOf(target.account, target.region)).clients();
    } catch (error) {
      const f = this.failed(error, undefined);
      return { ...(target.node ? { node: f } : {}), ...(target.pod ? { pods: f } : {}) };
    }
    const [node, pods] = await Promise.all([
      target.node ? this.node(c, target.node) : Promise.resolve(undefined),
      target.pod
        ? this.pods(c, target.namespace ?? 'default', target.pod, target.node)
        : Promise.resolve(undefined),
    ]);
    return { ...(node ? { node } : {}), ...(pods ? { pods } : {}) };
  }

  private async node(c: KubeClients, name: string): Promise<Observation<ObservedNode>> {
    try {
      const node = (await withTimeout(`read node ${name}`, this.requestTimeoutMs, (signal) =>
        c.core.readNode({ name }, abortOn(signal)),
      )) as unknown as Node;
      return {
        read: true,
        value: {
          name,
          conditions: (node.status?.conditions ?? []).map((x) => ({
            type: x.type,
            status: x.status,
            ...(x.reason ? { reason: x.reason } : {}),
          })),
        },
      };
    } catch (error) {
      return this.failed(error, c);
    }
  }

  private async pods(
    c: KubeClients,
    namespace: string,
    name: string,
    node?: string,
  ): Promise<Observation<readonly ObservedPod[]>> {
    try {
      const pod = (await withTimeout(`read pod ${name}`, this.requestTimeoutMs, (signal) =>
        c.core.readNamespacedPod({ name, namespace }, abortOn(signal)),
      )) as unknown as Pod;
      return { read: true, value: [observePod(pod)] };
    } catch (error) {
      if (httpStatusOf(error) !== 404) return this.failed(error, c);
    }
    // Gone: a delete or rollout restart replaced it; look at the pods of its workload instead.
    const workloads = workloadsOfPodName(name);
    if (workloads.length === 0) return { read: true, value: [] };
    try {
      // A list of its own time, each page a request of its own; only the workload's pods are kept.
      const list = await withTimeout(`list pods in ${namespace}`, NAMESPACE_POD_LIST_MS, (whole) =>
        listAllPages(async (page) => {
          const read = await withTimeout(
            `list pods in ${namespace}`,
            this.requestTimeoutMs,
            (signal) => c.core.listNamespacedPod({ namespace, ...page }, abortOn(signal)),
            whole,
          );
          const pods = (read.items ?? []) as unknown as Pod[];
          return {
            items: pods
              .filter((p) => {
                const facts = podFacts('', p);
                return (
                  workloads.some((w) => podBelongsToWorkload(facts, w)) &&
                  !p.metadata?.deletionTimestamp &&
                  // A DaemonSet's replacement is its pod on the same node; the others are other nodes'.
                  (facts.ownerKind !== 'DaemonSet' || !node || facts.nodeName === node)
                );
              })
              .map(observePod),
            metadata: read.metadata,
          };
        }, this.namespacePodList),
      );
      // Pods past a cut list were never seen: "none exists now" would fail a fix that worked.
      if (list.cut)
        return {
          read: false,
          reason: `pod ${namespace}/${name} is gone and the pods of namespace ${namespace} could not all be read (${list.cut}): its replacement may be among those not read; check with "kubectl get pods -n ${namespace}"`,
        };
      return { read: true, value: list.items };
    } catch (error) {
      return this.failed(error, c);
    }
  }

  /**
   * Verify's Kubernetes checks for one target: re-read, then judge against the diagnosis.
   * @example await reader.verify({ cluster, node }, remediationEndedAt, baselineFromBundle(diagnosisBundle))
   */
  async verify(
    target: VerifyTarget,
    since: Date,
    baseline: DiagnosisBaseline = {},
  ): Promise<StateCheck[]> {
    return checkKubernetesState(target, await this.observe(target), since, baseline);
  }
}
