/** ReleaseLock: releases the targets' locks this execution holds (every path of the workflow passes here). */
import { appendAudit } from '../audit-writer.js';
import { LockReleaseError, releaseLocks } from '../lock-release.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What ReleaseLock uses. */
export type ReleaseLockPorts = Pick<WorkflowPorts, 'audit' | 'locks'>;

/**
 * ReleaseLock: releases every target's lock this execution holds and records what it freed.
 * It does not ask whether AcquireLock returned: an AcquireLock that failed or timed out part-way
 * (the Catch brings the run here without `$.lock`) may hold some of the locks, and each release is
 * conditional on this execution owning the lock, so the others' locks are never touched.
 * @throws LockReleaseError after recording which releases failed (Step Functions retries the step;
 *   after its retries, Complete records the failure and the run ends in `LocksNotReleased`).
 */
export async function runReleaseLock(
  { executionId, state }: TaskInput,
  ports: ReleaseLockPorts,
  clock: Clock,
): Promise<{ released: string[] }> {
  const intake = requireState('ReleaseLock', state.intake, 'intake');
  const report = await releaseLocks(
    ports,
    executionId,
    intake.targets.map((t) => t.id),
  );
  const released = [...report.released];
  await appendAudit(ports, clock, executionId, intake, 'released', {
    released,
    ...(report.failed.length ? { failed: report.failed, error: report.error } : {}),
  });
  if (report.failed.length) throw new LockReleaseError('ReleaseLock', report.failed, report.error!);
  return { released };
}
