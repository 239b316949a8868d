/**
 * Classifying stored evidence inside the workflow: each stored bundle is read back by reference and
 * classified (Classify), or judged from the fix on with the runbook's verify checks (Verify).
 */
import pMap from 'p-map';
import type { CompiledRulebook } from '../classify/compile.js';
import { classifyEvidence, type ClassificationResult } from '../classify/engine.js';
import { loadDeferredReadersFor } from '../classify/facts/load-deferred-readers-for.js';
import { verifyChecksWithCoverage, type CoveredCheck } from '../classify/verify-coverage.js';
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { Runbook } from '../runbook/model.js';
import type { CollectedEvidence, TargetClassification } from './model.js';
import type { EvidenceStore } from './ports.js';
import { STORED_BUNDLES_AT_ONCE } from './stored-bundle-reads.js';

/** One stored bundle's classification (and, when verifying, the runbook's verify checks). */
export interface ClassifiedEvidence {
  readonly target: string;
  readonly result: ClassificationResult;
  /** The runbook's verify checks; `unknown` when a Kubernetes section they need was not collected. */
  readonly checks: readonly CoveredCheck[];
}

/**
 * The bundle as Verify judges it: its window starts at the fix, whatever the collector stamped (a
 * recorded bundle carries no incident, and joining an EKS node's bundle with the cluster's view
 * keeps neither's), so a line logged before the fix proves nothing and only a recurrence after it
 * keeps the failure matching. Lines with no timestamp still count, as in triage: nothing says they
 * are stale, and dropping them would let a fix that did not hold pass on untimed output.
 */
export function windowedFromFix(bundle: EvidenceBundle, fixedAt: string): EvidenceBundle {
  return {
    ...bundle,
    incident: { at: bundle.incident?.at ?? fixedAt, ...bundle.incident, remediatedAt: fixedAt },
  };
}

/**
 * Classifies every stored bundle (skipping targets whose collection failed), in the order given,
 * reading {@link STORED_BUNDLES_AT_ONCE} at a time and classifying each as it arrives, so a
 * fleet's reads overlap and only that many bundles are held. `fixedAt`, when verifying, is when the fix ran:
 * only evidence from after it counts ({@link windowedFromFix}).
 */
export async function classifyStored(
  ports: { readonly evidence: EvidenceStore; readonly rulebook: CompiledRulebook },
  evidence: readonly CollectedEvidence[],
  verifying?: Runbook,
  fixedAt?: string | null,
): Promise<ClassifiedEvidence[]> {
  return pMap(
    evidence.filter((e) => e.ref),
    async (e) => {
      const stored = await ports.evidence.get(e.ref!);
      const bundle = fixedAt ? windowedFromFix(stored, fixedAt) : stored;
      // The deferred readers (a YAML parser, Go's NO_PROXY rules) load only for evidence that may need them.
      await loadDeferredReadersFor(bundle);
      return {
        target: e.target,
        result: classifyEvidence(ports.rulebook, bundle),
        checks: verifying ? verifyChecksWithCoverage(ports.rulebook, bundle, verifying) : [],
      };
    },
    { concurrency: STORED_BUNDLES_AT_ONCE },
  );
}

/** The top runbook of one target's result, with a few proving lines and the runner-up. */
export function summarizeMatches(
  result: ClassificationResult,
  target: string,
): TargetClassification {
  const [top, second] = result.matches;
  return {
    target,
    runbookId: top?.runbookId ?? null,
    confidence: top?.confidence ?? 0,
    evidence: (top?.evidence ?? []).slice(0, 5),
    ...(second ? { runnerUp: { runbookId: second.runbookId, confidence: second.confidence } } : {}),
  };
}
