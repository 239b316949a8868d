/**
 * Escalate: tells people why the workflow gave up (a failed step, a fix that did not help, or the
 * plan's own reason), after undoing the completed steps. Its Task is retried on handler errors and
 * a retry re-runs the whole step, so each side effect an earlier attempt recorded in this
 * execution's trail (the rollback, the `escalated` entry and event) is reused, not done again (a
 * rollback an earlier attempt started but did not finish recording is reported `unknown`, for people
 * to check on the hosts, never run twice); a notification that fails is recorded (notify-or-record.ts) and the run still ends Escalated.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import type { RollbackRecord, WorkflowState } from '../model.js';
import { notifyOrRecord } from '../notify-or-record.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { recordedEntry } from '../recorded-effects.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What Escalate uses (commands and executors: it undoes the completed steps before telling people). */
export type EscalatePorts = Pick<
  WorkflowPorts,
  'audit' | 'notifier' | 'events' | 'config' | 'commands' | 'executors' | 'errorWording'
>;

/** The one-line reason of an escalation, from what the execution reached. */
export function escalationReason(state: WorkflowState): string {
  if (state.remediation?.held?.length)
    return `refused by preconditions when the step was to act: ${state.remediation.held
      .map((h) => `${h.target}: ${h.reason}`)
      .join('; ')
      .slice(0, 1000)}`;
  if (state.remediation?.failed) {
    return `step failed: ${state.remediation.outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => `${o.action} on ${o.target}: ${o.detail ?? ''}`)
      .join('; ')
      .slice(0, 1000)}`;
  }
  if (state.verification && !state.verification.cleared)
    return `remediation did not help: ${state.verification.reason}`;
  return state.plan?.decision === 'escalate' ? state.plan.reason : 'escalated';
}

/** Escalate: rolls back once, records the escalation once, then notifies with the plan, evidence references and verification. */
export async function runEscalate(
  { executionId, state }: TaskInput,
  ports: EscalatePorts,
  clock: Clock,
): Promise<{ reason: string; rollback?: RollbackRecord; notified: boolean }> {
  const intake = requireState('Escalate', state.intake, 'intake');
  const plan = state.plan;
  const reason = escalationReason(state);
  const trail = await ports.audit.execution(executionId);
  // The rollback (the action catalogue and the document executor, ~15 KiB bundled) loads for an
  // execution whose remediation ran, with the SSM client its undos need (lazy-ssm-ports.ts): an
  // escalation the plan decided never reads them.
  const rollback =
    plan && state.remediation
      ? await (await import('../rollback-run.js')).rollBackOnce(
          trail,
          executionId,
          intake,
          plan,
          state.remediation,
          reason,
          ports,
          clock,
        )
      : undefined;
  if (!recordedEntry(trail, 'escalated')) {
    await appendAudit(
      ports,
      clock,
      executionId,
      intake,
      'escalated',
      { reason, ...(rollback ? { rolledBack: rollback.status } : {}) },
      withRunbook(plan?.runbookId),
    );
    await publishStatus(ports, clock, executionId, intake, 'escalated', {
      runbookId: plan?.runbookId ?? null,
      summary: reason,
    });
  }
  const notified = await notifyOrRecord(
    ports,
    clock,
    executionId,
    intake,
    {
      kind: 'escalation',
      subject: `[paramedic] escalation: ${plan?.runbookId ?? 'unclassified'} on ${intake.targets
        .slice(0, 5)
        .map((t) => t.id)
        .join(', ')}`,
      body: JSON.stringify({
        executionId,
        reason,
        plan,
        evidence: state.collection?.evidence ?? [],
        verification: state.verification ?? null,
        rollback: rollback ?? null,
      }).slice(0, 200_000),
    },
    plan?.runbookId,
  );
  return { reason, ...(rollback ? { rollback } : {}), notified };
}
