/** ReleaseLock: releases the targets' locks this execution holds (every path of the workflow passes here). */
import { appendAudit } from '../audit-writer.js';
import { lockKey } from '../dedupe.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What ReleaseLock uses. */
export type ReleaseLockPorts = Pick<WorkflowPorts, 'audit' | 'locks'>;

/** ReleaseLock: the released target ids (none when the lock was never taken). */
export async function runReleaseLock(
  { executionId, state }: TaskInput,
  ports: ReleaseLockPorts,
  clock: Clock,
): Promise<{ released: string[] }> {
  const intake = requireState('ReleaseLock', state.intake, 'intake');
  const released: string[] = [];
  if (!state.lock?.acquired) return { released };
  for (const t of intake.targets) {
    await ports.locks.release(lockKey(t.id), executionId);
    released.push(t.id);
  }
  await appendAudit(ports, clock, executionId, intake, 'released', { released });
  return { released };
}
