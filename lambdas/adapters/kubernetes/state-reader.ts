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
import { httpStatusOf, toApiFailure, withTimeout } from './api-errors.js';
import type { KubeAccessFor } from './eks-access-for.js';
import type { KubeClients } from './kube-access.js';
import { listAllPages } from './paged-list.js';
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

/** The workload a pod name belongs to when it follows the Deployment pattern `<workload>-<rs hash>-<5>`. */
function workloadOfPodName(name: string): string | undefined {
  return /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(name)?.[1];
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
        ? this.pods(c, target.namespace ?? 'default', target.pod)
        : Promise.resolve(undefined),
    ]);
    return { ...(node ? { node } : {}), ...(pods ? { pods } : {}) };
  }

  private async node(c: KubeClients, name: string): Promise<Observation<ObservedNode>> {
    try {
      const node = (await withTimeout(
        `read node ${name}`,
        this.requestTimeoutMs,
        c.core.readNode({ name }),
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
  ): Promise<Observation<readonly ObservedPod[]>> {
    try {
      const pod = (await withTimeout(
        `read pod ${name}`,
        this.requestTimeoutMs,
        c.core.readNamespacedPod({ name, namespace }),
      )) as unknown as Pod;
      return { read: true, value: [observePod(pod)] };
    } catch (error) {
      if (httpStatusOf(error) !== 404) return this.failed(error, c);
    }
    // Gone: a delete or rollout restart replaced it; look at the pods of its workload instead.
    const workload = workloadOfPodName(name);
    if (!workload) return { read: true, value: [] };
    try {
      const list = await withTimeout(
        `list pods in ${namespace}`,
        this.requestTimeoutMs,
        listAllPages((page) => c.core.listNamespacedPod({ namespace, ...page })),
      );
      const pods = (list.items as unknown as Pod[]).filter(
        (p) => podBelongsToWorkload(podFacts('', p), workload) && !p.metadata?.deletionTimestamp,
      );
      return { read: true, value: pods.map(observePod) };
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
