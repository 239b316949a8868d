/**
 * One incident bundle per EKS target: the node's SSM evidence joined with the cluster's `k8s.*`
 * view of the node and the pod the alarm names. A view that could not be read (no cluster access
 * wired, API unreachable or forbidden) is an explicit error section beside the node's evidence,
 * never a crash and never an empty record.
 */
import {
  joinIncidentEvidence,
  type EvidencePart,
  type IncidentBundle,
} from '../evidence/incident-bundle.js';
import type { CollectedEvidence, Target } from './model.js';
import type { ClusterLocation, ClusterPort } from './ports.js';
import { targetLocation } from './target-location.js';

/** Why a cluster view is missing when no cluster access is wired (what the operator does next). */
export const NO_CLUSTER_ACCESS =
  'no Kubernetes API access is configured for this run: deploy with config eksClusters (EKS access entries), or pass --kubeconfig locally';

/** True when the target is on an EKS cluster the workflow can read (it names one). */
export function isClusterTarget(target: Target): target is Target & { readonly cluster: string } {
  return target.platform === 'eks' && typeof target.cluster === 'string';
}

/** Where a target points on its cluster (with the cluster's account and region when the target is located). */
export function clusterLocationOf(target: Target & { readonly cluster: string }): ClusterLocation {
  const location = targetLocation(target);
  return {
    cluster: target.cluster,
    ...(location ? { account: location.account, region: location.region } : {}),
    ...(target.node ? { node: target.node } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
    ...(target.pod ? { pod: target.pod } : {}),
    ...(target.instanceId ? { instanceId: target.instanceId } : {}),
  };
}

/**
 * The node's part joined with the cluster's view into one incident bundle.
 * @example await withClusterView(ports.cluster, target, { kind: 'ssm-command', bundle, reference: commandId }, clock.now())
 */
export async function withClusterView(
  cluster: ClusterPort | undefined,
  target: Target & { readonly cluster: string },
  node: EvidencePart,
  now: Date,
  window: Pick<ClusterLocation, 'incidentTime' | 'remediatedAt'> = {},
): Promise<IncidentBundle> {
  const { incidentTime, remediatedAt } = window;
  const location = {
    ...clusterLocationOf(target),
    ...(incidentTime ? { incidentTime } : {}),
    ...(remediatedAt ? { remediatedAt } : {}),
  };
  let view: EvidencePart;
  try {
    view = cluster
      ? await cluster.read(location)
      : { kind: 'kubernetes-api', reference: `eks:${target.cluster}`, error: NO_CLUSTER_ACCESS };
  } catch (error) {
    // The adapter promises not to throw; if it does, the record still says why the view is missing.
    view = {
      kind: 'kubernetes-api',
      reference: `eks:${target.cluster}`,
      error: `reading cluster ${target.cluster} failed: ${(error as Error)?.message ?? String(error)}`,
    };
  }
  return joinIncidentEvidence(
    [node, view],
    now,
    location,
    incidentTime ? { at: incidentTime, ...(remediatedAt ? { remediatedAt } : {}) } : undefined,
  );
}

/** What the collection record keeps of an incident bundle's sources (the bundle store keeps the v1 sections only). */
export function sourceSummary(bundle: IncidentBundle): NonNullable<CollectedEvidence['sources']> {
  return bundle.sources.map((x) => ({
    kind: x.kind,
    status: x.status,
    ...(x.error ? { error: x.error.slice(0, 400) } : {}),
    ...(x.errors.length ? { failedSections: x.errors.map((e) => e.section) } : {}),
  }));
}
