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
  const { status, reason, steps, check } = entry.data;
  return { status, reason, steps: Array.isArray(steps) ? steps : [], ...(check ? { check } : {}) };
}

/**
 * The rollback an earlier attempt started (its `rolling-back` intent) and never recorded as done,
 * as an `unknown` record, or undefined. Its undos may have run in full, in part or not at all.
 */
export function interruptedRollback(trail: readonly AuditEntry[]): RollbackRecord | undefined {
  const intent = recordedEntry(trail, 'rolling-back');
  if (!intent || recordedEntry(trail, 'rolled-back')) return undefined;
  const { reason, steps } = intent.data;
  return {
    status: 'unknown',
    reason,
    steps: steps.map((s) => ({ undoes: s.undoes, action: s.action, outcomes: [] })),
    check: `an earlier attempt stopped while undoing ${steps.map((s) => s.action).join(', ')}: check on each host whether the undo ran before acting on it (it is not run again, since it may undo a later change)`,
  };
}

/**
 * Targets this run locked (its `locked` entry) that the trail does not yet record as freed: when a
 * release finds one of them no longer held, it was not freed by that release (its lease ran out, or
 * an earlier attempt of the step freed it and stopped before recording so).
 */
export function lockedNotRecordedFreed(trail: readonly AuditEntry[]): Set<string> {
  const locked = recordedEntry(trail, 'locked');
  const ids = new Set(locked?.data.acquired ? (locked.data.targets ?? []) : []);
  for (const e of trail)
    if (e.type === 'released') for (const id of e.data.released) ids.delete(id);
  return ids;
}

/**
 * The remediation steps that started acting (their `step-started` intent) and whose outcome was
 * never recorded (no `step` entry): RemediateStep failed or was killed after it may have changed
 * the hosts. Ascending step indices.
 */
export function stepsWithUnknownOutcome(trail: readonly AuditEntry[]): number[] {
  const recorded = new Set(trail.flatMap((e) => (e.type === 'step' ? [e.data.step] : [])));
  const started = trail.flatMap((e) => (e.type === 'step-started' ? [e.data.step] : []));
  return [...new Set(started)].filter((i) => !recorded.has(i)).sort((a, b) => a - b);
}
