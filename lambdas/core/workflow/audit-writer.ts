/** Appends a step's typed audit entry, stamped with the execution's actor, first target and runbook. */
import type {
  AuditEntryBase,
  AuditEntryInput,
  AuditEventType,
  AuditPayloads,
} from '../audit/audit-entry.js';
import type { IntakeResult } from './model.js';
import type { AuditStore, Clock } from './ports.js';

/** What an entry is stamped from: the execution's intake, or the part of it its trail recorded. */
export type AuditSubject = Pick<IntakeResult, 'trigger' | 'targets' | 'runbookId'>;

/**
 * Appends one entry of type `type` with its payload; `extra` overrides actor, runbook or outcome.
 * @example await appendAudit({ audit }, clock, executionId, intake, 'planned', { plan }, { runbookId: plan.runbookId })
 */
export async function appendAudit<T extends AuditEventType>(
  ports: { readonly audit: AuditStore },
  clock: Clock,
  executionId: string,
  intake: AuditSubject | undefined,
  type: T,
  data: AuditPayloads[T],
  extra: Partial<Pick<AuditEntryBase, 'actor' | 'runbookId' | 'outcome' | 'target'>> = {},
): Promise<void> {
  await ports.audit.append({
    executionId,
    type,
    at: clock.now().toISOString(),
    actor: extra.actor ?? intake?.trigger.actor ?? 'system',
    ...(intake?.targets.length ? { target: intake.targets[0]!.id } : {}),
    ...(intake?.runbookId ? { runbookId: intake.runbookId } : {}),
    ...extra,
    data,
  } as AuditEntryInput);
}

/** `{ runbookId }` when there is one, for the `extra` of {@link appendAudit}. */
export function withRunbook(runbookId: string | null | undefined): { runbookId?: string } {
  return runbookId ? { runbookId } : {};
}
