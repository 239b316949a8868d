/**
 * Verify's Kubernetes half: for each EKS target, re-read the node condition and pod state the
 * diagnosis rested on (the conditions that were True in the diagnosis bundle's k8s.node must have
 * cleared, Ready must be True, a pod or its replacement must be Running and Ready). A state that
 * could not be read is `unknown`, never `passed`.
 */
import { baselineFromBundle, type DiagnosisBaseline } from '../kubernetes/state-checks.js';
import { clusterLocationOf, isClusterTarget, NO_CLUSTER_ACCESS } from './cluster-evidence.js';
import type { CollectedEvidence, Target, VerificationCheck } from './model.js';
import type { ClusterPort, EvidenceStore } from './ports.js';

/** Ports of {@link verifyClusterState}. */
export interface ClusterVerificationPorts {
  readonly evidence: EvidenceStore;
  readonly cluster?: ClusterPort;
}

async function baselineOf(
  ports: ClusterVerificationPorts,
  diagnosis: readonly CollectedEvidence[],
  target: string,
): Promise<DiagnosisBaseline> {
  const ref = diagnosis.find((e) => e.target === target)?.ref;
  return ref ? baselineFromBundle(await ports.evidence.get(ref)) : {};
}

/**
 * The Kubernetes state checks of every EKS target, judged against its diagnosis bundle.
 * @example await verifyClusterState(ports, targets, state.collection.evidence, remediationEndedAt)
 */
export async function verifyClusterState(
  ports: ClusterVerificationPorts,
  targets: readonly Target[],
  diagnosis: readonly CollectedEvidence[],
  since: Date,
): Promise<VerificationCheck[]> {
  const out: VerificationCheck[] = [];
  for (const target of targets) {
    if (!isClusterTarget(target)) continue;
    if (!ports.cluster) {
      out.push({
        target: target.id,
        description: `the Kubernetes state of ${target.node ?? target.pod ?? target.id} is as the fix intends`,
        status: 'unknown',
        observed: NO_CLUSTER_ACCESS,
      });
      continue;
    }
    const checks = await ports.cluster.verify(
      clusterLocationOf(target),
      since,
      await baselineOf(ports, diagnosis, target.id),
    );
    out.push(...checks.map((c) => ({ target: target.id, ...c })));
  }
  return out;
}
