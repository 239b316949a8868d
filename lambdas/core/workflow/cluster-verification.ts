/**
 * Verify's Kubernetes half: for each EKS target, re-read the node condition and pod state the
 * diagnosis rested on (the conditions that were True in the diagnosis bundle's k8s.node must have
 * cleared, Ready must be True, a pod or its replacement must be Running and Ready). A state that
 * could not be read is `unknown`, never `passed`.
 */
import pMap from 'p-map';
import { baselineFromBundle, type DiagnosisBaseline } from '../kubernetes/state-checks.js';
import { clusterLocationOf, isClusterTarget, NO_CLUSTER_ACCESS } from './cluster-evidence.js';
import type { CollectedEvidence, EvidenceRef, Target, VerificationCheck } from './model.js';
import type { ClusterPort, EvidenceStore } from './ports.js';

/** Ports of {@link verifyClusterState}. */
export interface ClusterVerificationPorts {
  readonly evidence: EvidenceStore;
  readonly cluster?: ClusterPort;
}

/** EKS targets verified at a time: each reads its diagnosis bundle and two objects from the API. */
const TARGETS_AT_ONCE = 8;

async function baselineOf(
  ports: ClusterVerificationPorts,
  ref: EvidenceRef | undefined,
): Promise<DiagnosisBaseline> {
  return ref ? baselineFromBundle(await ports.evidence.get(ref)) : {};
}

/**
 * The Kubernetes state checks of every EKS target, judged against its diagnosis bundle, in the
 * targets' order (at 1,000 targets the reads overlap, a few at a time).
 * @example await verifyClusterState(ports, targets, state.collection.evidence, remediationEndedAt)
 */
export async function verifyClusterState(
  ports: ClusterVerificationPorts,
  targets: readonly Target[],
  diagnosis: readonly CollectedEvidence[],
  since: Date,
): Promise<VerificationCheck[]> {
  const refs = new Map<string, EvidenceRef | undefined>();
  for (const e of diagnosis) if (!refs.has(e.target)) refs.set(e.target, e.ref);
  const checked = await pMap(
    targets.filter(isClusterTarget),
    async (target): Promise<VerificationCheck[]> => {
      if (!ports.cluster)
        return [
          {
            target: target.id,
            description: `the Kubernetes state of ${target.node ?? target.pod ?? target.id} is as the fix intends`,
            status: 'unknown',
            observed: NO_CLUSTER_ACCESS,
          },
        ];
      const checks = await ports.cluster.verify(
        clusterLocationOf(target),
        since,
        await baselineOf(ports, refs.get(target.id)),
      );
      return checks.map((c) => ({ target: target.id, ...c }));
    },
    { concurrency: TARGETS_AT_ONCE },
  );
  return checked.flat();
}
