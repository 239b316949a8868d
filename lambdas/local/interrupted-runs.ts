/**
 * Closes local executions that were interrupted (their runner killed: kill -9, a closed terminal),
 * which would otherwise stay "RUNNING" for ever. Run at every local start (triage, run, console):
 * a record whose owner process is gone on this host becomes INTERRUPTED, with an `interrupted`
 * audit entry, and the locks it may still hold are released (as on AWS: core's
 * close-interrupted-execution.ts), so its targets are not blocked until their locks expire.
 * Who is interrupted is decided by core/workflow/interrupted-executions.ts.
 */
import { hostname } from 'node:os';
import {
  findInterruptedLocal,
  type InterruptedExecution,
  type RunningExecution,
} from '../core/workflow/interrupted-executions.js';
import { CLOSING_READS, locksMaybeHeld } from '../core/workflow/close-interrupted-execution.js';
import { releaseLocks } from '../core/workflow/lock-release.js';
import type { AuditStore, Clock } from '../core/workflow/ports.js';
import { awsErrorWording } from '../adapters/aws-sdk/aws-error-message.js';
import { LocalLockStore } from '../adapters/local/local-lock-store.js';
import { LocalStateDocuments } from '../adapters/local/local-state-documents.js';
import { loadReferencedAuditData } from '../core/workflow/state-by-reference.js';
import { ExecutionRecords } from './execute-workflow.js';

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finds this data directory's interrupted executions, releases the locks each may still hold (only
 * where it is still the owner), marks each record INTERRUPTED and appends an `interrupted` entry
 * (actor `system`) to its audit trail. A release that fails is recorded (`notReleased`), not thrown:
 * the lock expires by itself, and one stuck run must not stop every later start. Returns what it closed.
 */
export async function closeInterruptedRuns(
  dataDir: string,
  audit: AuditStore,
  clock: Clock,
  isAlive: (pid: number) => boolean = processIsAlive,
): Promise<InterruptedExecution[]> {
  const records = new ExecutionRecords(dataDir);
  const locks = new LocalLockStore(dataDir, clock);
  const documents = new LocalStateDocuments(dataDir);
  const running: RunningExecution[] = [];
  for (const id of await records.ids()) {
    const record = await records.get(id);
    if (record?.status === 'RUNNING')
      running.push({
        executionId: record.executionId,
        startedAt: record.startedAt,
        ...(record.owner ? { owner: record.owner } : {}),
      });
  }
  const interrupted = findInterruptedLocal(running, {
    host: hostname(),
    now: clock.now(),
    isAlive,
  });
  for (const { executionId, reason } of interrupted) {
    const record = await records.get(executionId);
    if (record?.status !== 'RUNNING') continue; // closed meanwhile by another start
    // A large run's Intake payload is stored by reference (its targets with it).
    const trail = await loadReferencedAuditData(
      await audit.execution(executionId),
      documents,
      CLOSING_READS,
      executionId,
    );
    const held = locksMaybeHeld(trail);
    const { released, failed, acting, error } = await releaseLocks(
      { locks, errorWording: awsErrorWording },
      executionId,
      held,
    );
    await audit.append({
      executionId,
      type: 'interrupted',
      at: clock.now().toISOString(),
      actor: 'system',
      outcome: 'interrupted',
      data: {
        reason,
        startedAt: record.startedAt,
        ...(released.length ? { released } : {}),
        ...(acting.length ? { acting } : {}),
        ...(failed.length ? { notReleased: failed, releaseError: error } : {}),
      },
    });
    record.status = 'INTERRUPTED';
    record.finishedAt = clock.now().toISOString();
    record.error = `interrupted: ${reason}`;
    await records.save(record);
  }
  return interrupted;
}
