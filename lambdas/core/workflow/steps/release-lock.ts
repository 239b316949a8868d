/** ReleaseLock: releases the targets' locks this execution holds (every path of the workflow passes here). */
import { appendAudit } from '../audit-writer.js';
import { releaseAttemptKey } from '../dedupe.js';
import { LockReleaseError, releasedEntry, releaseLocks } from '../lock-release.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { lockedNotRecordedFreed } from '../recorded-effects.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What ReleaseLock uses. */
export type ReleaseLockPorts = Pick<WorkflowPorts, 'audit' | 'locks' | 'state' | 'errorWording'>;

/** How long an attempt's claim is kept: far beyond the step's retries (seconds to minutes). */
export const RELEASE_ATTEMPT_TTL_SECONDS = 86_400;

/**
 * ReleaseLock: releases every target's lock this execution holds and records what it freed.
 * It does not ask whether AcquireLock returned: an AcquireLock that failed or timed out part-way
 * (the Catch brings the run here without `$.lock`) may hold some of the locks, and each release is
 * conditional on this execution owning the lock, so the others' locks are never touched.
 * A lock this run took (`locked`) that a release finds no longer its own was not freed by that
 * release, and is recorded apart (`notHeld`), never as freed: on a first attempt its lease ran
 * out; on a retry an earlier attempt may also have freed it and stopped before recording so. The
 * step tells the two apart by a claim in the state table taken before the first release (as a
 * retried Intake finds its own claim): Step Functions has `$$.State.RetryCount` for this, but the
 * local emulator (aws-local-stepfunctions 3.0.0) has no `$$.State`, and the one definition runs in
 * both. A claim whose write failed after landing only makes a first attempt read as a retry: the
 * wording stays the more cautious one, never a lock credited as freed.
 * @throws LockReleaseError after recording which releases failed (Step Functions retries the step;
 *   after its retries, Complete records the failure and the run ends in `LocksNotReleased`).
 */
export async function runReleaseLock(
  { executionId, state }: TaskInput,
  ports: ReleaseLockPorts,
  clock: Clock,
): Promise<{ released: string[] }> {
  const intake = requireState('ReleaseLock', state.intake, 'intake');
  const targetIds = intake.targets.map((t) => t.id);
  const retried = !(await ports.state.putIfAbsent(
    releaseAttemptKey(executionId),
    { executionId, at: clock.now().toISOString() },
    RELEASE_ATTEMPT_TTL_SECONDS,
  ));
  const report = await releaseLocks(ports, executionId, targetIds);
  const taken = report.notHeld.length
    ? lockedNotRecordedFreed(await ports.audit.execution(executionId))
    : new Set<string>();
  const notHeld = report.notHeld.filter((id) => taken.has(id));
  await appendAudit(ports, clock, executionId, intake, 'released', {
    ...releasedEntry(report),
    ...(notHeld.length ? { notHeld } : {}),
    ...(retried ? { retried: true as const } : {}),
  });
  if (report.failed.length) throw new LockReleaseError('ReleaseLock', report.failed, report.error!);
  return { released: [...report.released] };
}
