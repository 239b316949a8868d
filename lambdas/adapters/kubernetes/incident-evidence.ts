import type { ClusterLocation } from '../../core/workflow/ports.js';
import { locationOf } from '../../core/workflow/target-location.js';
import type { EvidencePart } from '../../core/evidence/incident-bundle.js';
import { ClusterReader, type ClusterReadOptions } from './cluster-reader.js';
import type { KubeAccessFor } from './eks-access-for.js';

/** What an alarm names on a cluster (the node, and/or the pod with its namespace), and its incident window. */
export type KubernetesIncidentTarget = ClusterLocation;

/**
 * The Kubernetes half of an EKS incident's evidence: the k8s.* sections for the node and for the
 * pod/namespace the alarm names, read through @kubernetes/client-node. Never throws: an
 * unreachable or forbidden API server comes back as sections carrying their error (the reader's
 * per-section errors), or as a part with no bundle and the reason.
 */
export class KubernetesIncidentEvidence {
  constructor(
    private readonly accessFor: KubeAccessFor,
    private readonly options: ClusterReadOptions,
  ) {}

  /**
   * Reads the cluster's view of each target, in order. Targets on one cluster (in one account and
   * region) are read together, so the cluster-wide part is read once per cluster, not per target.
   */
  async collect(targets: readonly KubernetesIncidentTarget[]): Promise<EvidencePart[]> {
    const byCluster = new Map<string, number[]>();
    targets.forEach((t, i) => {
      const key = `${t.account ?? ''}/${t.region ?? ''}/${t.cluster}`;
      byCluster.set(key, [...(byCluster.get(key) ?? []), i]);
    });
    const parts: EvidencePart[] = new Array(targets.length);
    await Promise.all(
      [...byCluster.values()].map(async (indexes) => {
        const group = indexes.map((i) => targets[i]!);
        const read = await this.collectCluster(group);
        indexes.forEach((i, k) => {
          parts[i] = read[k]!;
        });
      }),
    );
    return parts;
  }

  /** The targets of one cluster (same account and region). */
  private async collectCluster(
    targets: readonly KubernetesIncidentTarget[],
  ): Promise<EvidencePart[]> {
    const first = targets[0]!;
    const reference = `eks:${first.cluster}`;
    try {
      const reader = new ClusterReader(
        this.accessFor(first.cluster, locationOf(first.account, first.region)),
        this.options,
      );
      const bundles = await reader.collectEach(
        targets.map((target) => ({
          cluster: target.cluster,
          ...(target.node ? { node: target.node } : {}),
          ...(target.namespace ? { namespace: target.namespace } : {}),
          ...(target.pod ? { pod: target.pod } : {}),
          ...(target.incidentTime ? { incidentTime: target.incidentTime } : {}),
          ...(target.remediatedAt ? { remediatedAt: target.remediatedAt } : {}),
          ...(target.lookbackMinutes !== undefined
            ? { lookbackMinutes: target.lookbackMinutes }
            : {}),
        })),
      );
      return bundles.map((bundle) => ({ kind: 'kubernetes-api', bundle, reference }));
    } catch (error) {
      const part: EvidencePart = {
        kind: 'kubernetes-api',
        reference,
        error: `reading cluster ${first.cluster} failed: ${(error as Error)?.message ?? String(error)}. Check the collection role's EKS access entry and the function's network path to the endpoint`,
      };
      return targets.map(() => part);
    }
  }
}
