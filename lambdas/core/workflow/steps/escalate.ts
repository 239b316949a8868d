/** Escalate: tells people why the workflow gave up (a failed step, a fix that did not help, or the plan's own reason). */
import { appendAudit, withRunbook } from '../audit-writer.js';
import type { RollbackRecord, WorkflowState } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

import { rollBack } from '../rollback-run.js';

/** What Escalate uses (commands and executors: it undoes the completed steps before telling people). */
export type EscalatePorts = Pick<
  WorkflowPorts,
  'audit' | 'notifier' | 'events' | 'config' | 'commands' | 'executors'
>;

/** The one-line reason of an escalation, from what the execution reached. */
export function escalationReason(state: WorkflowState): string {
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

/** Escalate: notifies with the plan, evidence references and verification. */
export async function runEscalate(
  { executionId, state }: TaskInput,
  ports: EscalatePorts,
  clock: Clock,
): Promise<{ reason: string; rollback?: RollbackRecord }> {
  const intake = requireState('Escalate', state.intake, 'intake');
  const plan = state.plan;
  const reason = escalationReason(state);
  const rollback =
    plan && state.remediation
      ? await rollBack(executionId, intake, plan, state.remediation, reason, ports, clock)
      : undefined;
  await ports.notifier.notify({
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
  });
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
  return { reason, ...(rollback ? { rollback } : {}) };
}
