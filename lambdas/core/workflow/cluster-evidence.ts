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

/** Where a batch's views sit in time (the incident, and the fix on a Verify read). */
export type ViewWindow = Pick<ClusterLocation, 'incidentTime' | 'remediatedAt' | 'lookbackMinutes'>;

/**
 * The cluster's view of each EKS target of one batch, by target id. One port call for the batch, so
 * what is cluster-wide is read once per cluster. A view that could not be read is an error part.
 * @example const views = await clusterViews(ports.cluster, eksTargets, { incidentTime })
 */
export async function clusterViews(
  cluster: ClusterPort | undefined,
  targets: readonly (Target & { readonly cluster: string })[],
  window: ViewWindow = {},
): Promise<Map<string, EvidencePart>> {
  const failed = (target: Target & { readonly cluster: string }, error: string): EvidencePart => ({
    kind: 'kubernetes-api',
    reference: `eks:${target.cluster}`,
    error,
  });
  if (targets.length === 0) return new Map();
  if (!cluster) return new Map(targets.map((t) => [t.id, failed(t, NO_CLUSTER_ACCESS)]));
  try {
    const views = await cluster.read(targets.map((t) => ({ ...clusterLocationOf(t), ...window })));
    return new Map(
      targets.map((t, i) => [t.id, views[i] ?? failed(t, `cluster ${t.cluster} returned no view`)]),
    );
  } catch (error) {
    // The adapter promises not to throw; if it does, each record still says why its view is missing.
    const why = (t: Target & { readonly cluster: string }) =>
      `reading cluster ${t.cluster} failed: ${(error as Error)?.message ?? String(error)}`;
    return new Map(targets.map((t) => [t.id, failed(t, why(t))]));
  }
}

/**
 * The node's part joined with the cluster's view into one incident bundle.
 * @example withClusterView(target, { kind: 'ssm-command', bundle, reference: commandId }, views.get(target.id)!, clock.now(), window)
 */
export function withClusterView(
  target: Target & { readonly cluster: string },
  node: EvidencePart,
  view: EvidencePart,
  now: Date,
  window: ViewWindow = {},
): IncidentBundle {
  const { incidentTime, remediatedAt, lookbackMinutes } = window;
  return joinIncidentEvidence(
    [node, view],
    now,
    { ...clusterLocationOf(target), ...window },
    incidentTime
      ? {
          at: incidentTime,
          ...(lookbackMinutes !== undefined ? { lookbackMinutes } : {}),
          ...(remediatedAt ? { remediatedAt } : {}),
        }
      : undefined,
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
