/** AcquireLock: takes every target's lock in one global order (or releases what it took and reports the target busy). */
import { appendAudit } from '../audit-writer.js';
import { lockKey } from '../dedupe.js';
import type { LockResult } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What AcquireLock uses. */
export type AcquireLockPorts = Pick<WorkflowPorts, 'audit' | 'locks' | 'config'>;

/** AcquireLock: all the targets' locks, or none (the workflow waits and retries up to `lockMaxAttempts`). */
export async function runAcquireLock(
  { executionId, state }: TaskInput,
  ports: AcquireLockPorts,
  clock: Clock,
): Promise<LockResult> {
  const intake = requireState('AcquireLock', state.intake, 'intake');
  const attempts = (state.lock?.attempts ?? 0) + 1;
  const ids = intake.targets.map((t) => t.id).sort(); // one global order: no deadlock between executions
  const held: string[] = [];
  for (const id of ids) {
    if (await ports.locks.acquire(lockKey(id), executionId, ports.config.lockTtlSeconds)) {
      held.push(id);
      continue;
    }
    for (const h of held) await ports.locks.release(lockKey(h), executionId);
    const gaveUp = attempts >= ports.config.lockMaxAttempts;
    if (gaveUp)
      await appendAudit(ports, clock, executionId, intake, 'locked', {
        acquired: false,
        busy: id,
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
