/**
 * The limits a plan must respect before anything runs: cooldown per runbook and target, a cap on
 * the targets one execution may change, and a cap on repeated failures (after which a person
 * must look). Pure: the history comes in, the verdict goes out.
 */
import type { RemediationGuards } from '../runbook/model.js';

/** What the state store remembers about one target. */
export interface TargetHistory {
  readonly target: string;
  /** When this runbook last remediated this target (ISO-8601). */
  readonly lastRemediatedAt?: string;
  /** Times of failed remediations on this target (ISO-8601). */
  readonly failures: readonly string[];
}

/** The guards' verdict. */
export interface GuardVerdict {
  readonly eligible: readonly string[];
  readonly held: readonly { readonly target: string; readonly reason: string }[];
  /** Set when a person must decide instead (too many targets, repeated failures). */
  readonly escalate?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Failures younger than 24 hours at `now`. */
export function recentFailures(failures: readonly string[], now: Date): string[] {
  return failures.filter((t) => now.getTime() - Date.parse(t) < DAY_MS);
}

/**
 * Applies cooldown, repeated-failure and max-target guards.
 * @example applyGuards(runbook.remediation.guards, ['i-1'], [], new Date())
 */
export function applyGuards(
  guards: RemediationGuards,
  targets: readonly string[],
  history: readonly TargetHistory[],
  now: Date,
): GuardVerdict {
  const byTarget = new Map(history.map((h) => [h.target, h]));
  const held: { target: string; reason: string }[] = [];
  const eligible: string[] = [];
  const failing: string[] = [];
  for (const target of targets) {
    const h = byTarget.get(target);
    const failures = recentFailures(h?.failures ?? [], now);
    if (failures.length >= guards.maxFailuresPerDay) {
      failing.push(target);
      held.push({
        target,
        reason: `${failures.length} failed remediations in 24 h (cap ${guards.maxFailuresPerDay})`,
      });
      continue;
    }
    if (h?.lastRemediatedAt) {
      const ageMin = (now.getTime() - Date.parse(h.lastRemediatedAt)) / 60_000;
      if (ageMin < guards.cooldownMinutes) {
        held.push({
          target,
          reason: `in cooldown: remediated ${Math.floor(ageMin)} min ago (cooldown ${guards.cooldownMinutes} min)`,
        });
        continue;
      }
    }
    eligible.push(target);
  }
  if (failing.length > 0) {
    return {
      eligible: [],
      held,
      escalate: `repeated-failure cap reached on ${failing.join(', ')}: a person must look`,
    };
  }
  if (eligible.length > guards.maxTargets) {
    return {
      eligible: [],
      held,
      escalate: `${eligible.length} targets exceed maxTargets ${guards.maxTargets}: a person must decide`,
    };
  }
  return { eligible, held };
}
