/** The per-target history the guards read (last remediation, recent failures), kept in the state store. */
import { recentFailures, type TargetHistory } from '../remediation/guards.js';
import { cooldownKey, failuresKey } from './dedupe.js';
import type { Clock, StateStore } from './ports.js';

/** How long a failure counts towards the repeated-failure guard's window, seconds. */
const FAILURE_RETENTION_SECONDS = 24 * 3600;

/** The history of each target for one runbook. */
export async function historyOf(
  state: StateStore,
  runbookId: string,
  targets: readonly string[],
): Promise<TargetHistory[]> {
  return Promise.all(
    targets.map(async (target) => {
      const cooldown = await state.get(cooldownKey(runbookId, target));
      const failures = await state.get(failuresKey(target));
      return {
        target,
        ...(typeof cooldown?.at === 'string' ? { lastRemediatedAt: cooldown.at } : {}),
        failures: Array.isArray(failures?.times) ? (failures.times as string[]) : [],
      };
    }),
  );
}

/**
 * Records one failed remediation (or verification) of `executionId` on a target, dropping failures
 * outside the window. A retried Verify re-runs its whole step: the record names the execution that
 * wrote it last, and a second record by that execution changes nothing (one execution fails a
 * target once: a failed step ends the loop, a verification runs once; the lock keeps any other
 * execution off the target meanwhile).
 */
export async function recordFailure(
  state: StateStore,
  clock: Clock,
  target: string,
  executionId: string,
): Promise<void> {
  const key = failuresKey(target);
  const current = await state.get(key);
  if (current?.lastExecution === executionId) return;
  const times = recentFailures(
    Array.isArray(current?.times) ? (current.times as string[]) : [],
    clock.now(),
  );
  await state.put(
    key,
    { times: [...times, clock.now().toISOString()], lastExecution: executionId },
    FAILURE_RETENTION_SECONDS,
  );
}
