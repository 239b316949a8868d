/**
 * Did the remediation help? Decided from fresh evidence (the runbook must no longer classify it
 * when the runbook says so, and its verify.checks must hold) and from the alarm.
 *
 * The alarm is advisory until it has had time to re-evaluate. Verification runs `verifyDelaySeconds`
 * (60 s by default) after the last step, but a metric alarm needs Period × EvaluationPeriods of new
 * data before it can leave ALARM (5 min for a 1-min × 5 alarm), so reading ALARM earlier says nothing
 * about the fix and would escalate good fixes (and count them towards `maxFailuresPerDay`). Then the
 * fresh evidence decides, and the reading is recorded in the reason. A composite alarm's
 * re-evaluation time is unknown: always advisory.
 */
import type { Runbook } from '../runbook/model.js';
import type { TargetClassification } from './model.js';

/** Inputs of the verification decision. */
export interface VerificationInput {
  readonly runbook: Runbook;
  /** All matches per target on the new evidence (not only the top one). */
  readonly matches: readonly { readonly target: string; readonly runbookIds: readonly string[] }[];
  /** Targets whose evidence could not be collected again. */
  readonly uncollected: readonly string[];
  /** Current alarm state, when the run came from an alarm and the alarm could be read. */
  readonly alarmState?: string;
  /** True when the alarm has had Period × EvaluationPeriods since the remediation ended (see {@link alarmHadTimeToReevaluate}); otherwise its state is advisory. */
  readonly alarmSettled?: boolean;
  /** The runbook's verify.checks that did not hold on a target's new evidence. */
  readonly failedChecks?: readonly { readonly target: string; readonly description: string }[];
  /** Checks that could not be decided (their evidence was not collected or not readable): not a pass. */
  readonly unknownChecks?: readonly {
    readonly target: string;
    readonly description: string;
    readonly observed?: string;
  }[];
}

/** The verdict and its reason. */
export interface VerificationDecision {
  readonly cleared: boolean;
  readonly reason: string;
  readonly stillMatching: readonly string[];
}

/** Decides whether the fix worked. */
export function decideVerification(input: VerificationInput): VerificationDecision {
  const stillMatching = input.matches
    .filter((m) => m.runbookIds.includes(input.runbook.id))
    .map((m) => m.target);
  if (input.uncollected.length > 0) {
    return {
      cleared: false,
      reason: `could not collect evidence again from ${input.uncollected.join(', ')}`,
      stillMatching,
    };
  }
  if (input.runbook.verify.expectCleared && stillMatching.length > 0) {
    return {
      cleared: false,
      reason: `${input.runbook.id} still matches the new evidence of ${stillMatching.join(', ')}`,
      stillMatching,
    };
  }
  const failed = input.failedChecks ?? [];
  if (failed.length > 0) {
    return {
      cleared: false,
      reason: `verification check failed: ${failed.map((f) => `${f.description} (${f.target})`).join('; ')}`,
      stillMatching,
    };
  }
  const unknown = input.unknownChecks ?? [];
  if (unknown.length > 0) {
    return {
      cleared: false,
      reason:
        `could not verify: ${unknown.map((u) => `${u.description} (${u.target}${u.observed ? `: ${u.observed.slice(0, 200)}` : ''})`).join('; ')}`.slice(
          0,
          2000,
        ),
      stillMatching,
    };
  }
  if (input.alarmState === 'ALARM' && input.alarmSettled === true) {
    return {
      cleared: false,
      reason: 'the alarm is still in ALARM after a full evaluation window since the remediation',
      stillMatching,
    };
  }
  const alarmNote = !input.alarmState
    ? ''
    : input.alarmState === 'ALARM'
      ? '; the alarm is still ALARM but has not had a full evaluation window since the remediation (advisory)'
      : `; alarm is ${input.alarmState}`;
  return {
    cleared: true,
    reason: `${input.runbook.verify.expectCleared ? `${input.runbook.id} no longer matches` : 'remediation ran; the runbook does not require the failure to clear'}${alarmNote}`,
    stillMatching,
  };
}

/**
 * True when an alarm needing `evaluationSeconds` of data has had them since `remediatedAt`
 * (unknown window or unknown end: false, the reading stays advisory).
 * @example alarmHadTimeToReevaluate(300, '2026-11-23T09:00:00Z', new Date('2026-11-23T09:06:00Z')) // true
 */
export function alarmHadTimeToReevaluate(
  evaluationSeconds: number | undefined,
  remediatedAt: string | undefined,
  now: Date,
): boolean {
  if (!evaluationSeconds || !remediatedAt) return false;
  const since = (now.getTime() - Date.parse(remediatedAt)) / 1000;
  return Number.isFinite(since) && since >= evaluationSeconds;
}

/** The runbook most targets matched (ties: highest confidence), or null. */
export function dominantRunbook(targets: readonly TargetClassification[]): string | null {
  const score = new Map<string, { count: number; confidence: number }>();
  for (const t of targets) {
    if (!t.runbookId) continue;
    const s = score.get(t.runbookId) ?? { count: 0, confidence: 0 };
    score.set(t.runbookId, {
      count: s.count + 1,
      confidence: Math.max(s.confidence, t.confidence),
    });
  }
  let best: string | null = null;
  let bestScore = { count: 0, confidence: 0 };
  for (const [id, s] of score) {
    if (
      s.count > bestScore.count ||
      (s.count === bestScore.count && s.confidence > bestScore.confidence)
    ) {
      best = id;
      bestScore = s;
    }
  }
  return best;
}
