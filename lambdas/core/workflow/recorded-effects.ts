/**
 * What this execution already did, read back from its audit trail. A Task retried on a handler
 * error re-runs its whole Lambda, and the idempotency layer keeps nothing of an invocation that
 * threw: a step whose side effects must happen once per execution (a rollback, the final entry)
 * looks here first and reuses what an earlier attempt recorded.
 */
import type { AuditEntry, AuditEntryOf, AuditEventType } from '../audit/audit-entry.js';
import type { RollbackRecord } from './model.js';

/**
 * The first entry of `type` in the trail, or undefined.
 * @example const done = recordedEntry(await ports.audit.execution(executionId), 'completed')
 */
export function recordedEntry<T extends AuditEventType>(
  trail: readonly AuditEntry[],
  type: T,
): AuditEntryOf<T> | undefined {
  return trail.find((e): e is AuditEntry & AuditEntryOf<T> => e.type === type);
}

/**
 * The rollback an earlier attempt ran and recorded, or undefined. A record large enough to be
 * stored by reference keeps its status and reason inline, not its steps (state-by-reference.ts).
 */
export function recordedRollback(trail: readonly AuditEntry[]): RollbackRecord | undefined {
  const entry = recordedEntry(trail, 'rolled-back');
  if (!entry) return undefined;
  const { status, reason, steps } = entry.data;
  return { status, reason, steps: Array.isArray(steps) ? steps : [] };
}
