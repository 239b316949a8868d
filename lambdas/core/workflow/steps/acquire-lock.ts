/** AcquireLock: takes every target's lock in one global order (or releases what it took and reports the target busy). */
import { appendAudit } from '../audit-writer.js';
import { lockKey } from '../dedupe.js';
import { LockReleaseError, releaseLocks } from '../lock-release.js';
import type { LockResult } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What AcquireLock uses. */
export type AcquireLockPorts = Pick<WorkflowPorts, 'audit' | 'locks' | 'config' | 'errorWording'>;

/**
 * AcquireLock: all the targets' locks, or none (the workflow waits and retries up to `lockMaxAttempts`).
 * When taking a lock throws part-way, the locks already taken are released (best effort) before the
 * error goes on: the run's retry takes them again, and ReleaseLock (which the Catch reaches) frees
 * whatever this release missed, so a failure here never holds a host until the lock's expiry.
 */
export async function runAcquireLock(
  { executionId, state }: TaskInput,
  ports: AcquireLockPorts,
  clock: Clock,
): Promise<LockResult> {
  const intake = requireState('AcquireLock', state.intake, 'intake');
  const attempts = (state.lock?.attempts ?? 0) + 1;
  const ids = intake.targets.map((t) => t.id).sort(); // one global order: no deadlock between executions
  const held: string[] = [];
  let busy: string | undefined;
  try {
    for (const id of ids) {
      held.push(id); // before the write: a write that failed on the wire may still have taken the lock
      if (!(await ports.locks.acquire(lockKey(id), executionId, ports.config.lockTtlSeconds))) {
        held.pop();
        busy = id;
        break;
      }
    }
  } catch (error) {
    await releaseLocks(ports, executionId, held);
    throw error;
  }
  if (busy !== undefined) {
    const release = await releaseLocks(ports, executionId, held);
    if (release.failed.length)
      throw new LockReleaseError('AcquireLock', release.failed, release.error!);
    const gaveUp = attempts >= ports.config.lockMaxAttempts;
    if (gaveUp)
      await appendAudit(ports, clock, executionId, intake, 'locked', {
        acquired: false,
        busy,
        attempts,
      });
    return { acquired: false, attempts, gaveUp, owner: executionId };
  }
  await appendAudit(ports, clock, executionId, intake, 'locked', {
    acquired: true,
    targets: ids,
    attempts,
    ttlSeconds: ports.config.lockTtlSeconds,
  });
  return { acquired: true, attempts, gaveUp: false, owner: executionId };
}
