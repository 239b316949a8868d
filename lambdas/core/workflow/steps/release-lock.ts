/** ReleaseLock: releases the targets' locks this execution holds (every path of the workflow passes here). */
import { appendAudit } from '../audit-writer.js';
import { LockReleaseError, releasedEntry, releaseLocks } from '../lock-release.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { lockedNotRecordedFreed } from '../recorded-effects.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What ReleaseLock uses. */
export type ReleaseLockPorts = Pick<WorkflowPorts, 'audit' | 'locks' | 'errorWording'>;

/**
 * ReleaseLock: releases every target's lock this execution holds and records what it freed.
 * It does not ask whether AcquireLock returned: an AcquireLock that failed or timed out part-way
 * (the Catch brings the run here without `$.lock`) may hold some of the locks, and each release is
 * conditional on this execution owning the lock, so the others' locks are never touched.
 * A retry after a `released` append that threw finds the locks the earlier attempt freed no longer
 * held: those this run recorded taking (`locked`) and not yet freeing count as freed by it, so the
 * trail still names them.
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
  const report = await releaseLocks(ports, executionId, targetIds);
  const freedNow = new Set(report.released);
  const notHeld = new Set(report.notHeld);
  const freedEarlier = notHeld.size
    ? lockedNotRecordedFreed(await ports.audit.execution(executionId))
    : new Set<string>();
  const released = targetIds.filter(
    (id) => freedNow.has(id) || (notHeld.has(id) && freedEarlier.has(id)),
  );
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'released',
    releasedEntry({ ...report, released }),
  );
  if (report.failed.length) throw new LockReleaseError('ReleaseLock', report.failed, report.error!);
  return { released };
}
