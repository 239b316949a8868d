import type { ClusterLocation } from '../../core/workflow/ports.js';
import { locationOf } from '../../core/workflow/target-location.js';
import type { EvidencePart } from '../../core/evidence/incident-bundle.js';
import { ClusterReader, type ClusterReadOptions } from './cluster-reader.js';
import type { KubeAccessFor } from './eks-access-for.js';

/** What an alarm names on a cluster: the node, and/or the pod (its namespace with it). */
export type KubernetesIncidentTarget = ClusterLocation & {
  /** The window's lookback before the incident time, minutes. */
  readonly lookbackMinutes?: number;
};

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

  /** Reads the cluster's view of the target. */
  async collect(target: KubernetesIncidentTarget): Promise<EvidencePart> {
    const reference = `eks:${target.cluster}`;
    try {
      const reader = new ClusterReader(
        this.accessFor(target.cluster, locationOf(target.account, target.region)),
        this.options,
      );
      const bundle = await reader.collect({
        cluster: target.cluster,
        ...(target.node ? { node: target.node } : {}),
        ...(target.namespace ? { namespace: target.namespace } : {}),
        ...(target.pod ? { pod: target.pod } : {}),
        ...(target.incidentTime ? { incidentTime: target.incidentTime } : {}),
        ...(target.remediatedAt ? { remediatedAt: target.remediatedAt } : {}),
        ...(target.lookbackMinutes !== undefined
          ? { lookbackMinutes: target.lookbackMinutes }
          : {}),
      });
      return { kind: 'kubernetes-api', bundle, reference };
    } catch (error) {
      return {
        kind: 'kubernetes-api',
        reference,
        error: `reading cluster ${target.cluster} failed: ${(error as Error)?.message ?? String(error)}. Check the collection role's EKS access entry and the function's network path to the endpoint`,
      };
    }
  }
}
