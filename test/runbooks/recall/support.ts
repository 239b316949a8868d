// What the recall tests (one file per failure class or family, beside this one) share: the
// shipped rulebook and the two readings of a bundle of section outputs they assert on. The files
// keep the describe titles of the single file they were split from (recall mechanisms, upstream
// wordings, rounds 34-35), so every test's full name is what it was.
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import {
  type ClassificationResult,
  classifyEvidence,
} from '../../../lambdas/core/classify/engine.js';
import {
  EVIDENCE_SCHEMA,
  type EvidenceTarget,
  type IncidentTime,
  type Platform,
} from '../../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';

/** The shipped runbooks, compiled once per test file as the CLI loads them. */
export const rulebook: CompiledRulebook = loadRulebook();

/** When a bundle was collected and, when an alarm dated it, its incident. */
export interface CollectionTimes {
  readonly collectedAt: string;
  readonly incident?: IncidentTime;
}

/** Classifies section outputs (section name → text) collected from one target. */
function classifySections(
  sections: Record<string, string>,
  platform: Platform,
  times: CollectionTimes = { collectedAt: '2026-11-23T00:00:00Z' },
  target: EvidenceTarget = { platform },
): ClassificationResult {
  return classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target,
    ...times,
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  });
}

/** The id of the best-matching runbook for section outputs, or null when none matched. */
export const top = (sections: Record<string, string>, platform: Platform = 'eks') =>
  classifySections(sections, platform).matches[0]?.runbookId ?? null;

/** The id of the best-matching runbook for section outputs collected (and alarmed) at `times`. */
export const topAt = (
  sections: Record<string, string>,
  platform: Platform,
  times: CollectionTimes,
) => classifySections(sections, platform, times).matches[0]?.runbookId ?? null;

/** The best-matching runbook id for section outputs collected for a named target, or null. */
export const topFor = (target: EvidenceTarget, sections: Record<string, string>) =>
  classifySections(sections, target.platform, undefined, target).matches[0]?.runbookId ?? null;

/** Every matching runbook id for section outputs from an EKS target, best first. */
export const matchedIds = (sections: Record<string, string>) =>
  classifySections(sections, 'eks').matches.map((m) => m.runbookId);
