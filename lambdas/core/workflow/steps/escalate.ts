/**
 * Escalate: tells people why the workflow gave up (a failed step, a fix that did not help, an
 * error after remediation began, an approval nobody answered, or the plan's own reason), after
 * undoing the completed steps. Its Task is retried on handler errors and
 * a retry re-runs the whole step, so each side effect an earlier attempt recorded in this
 * execution's trail (the rollback, the `escalated` entry and event) is reused, not done again (a
 * rollback an earlier attempt started but did not finish recording is reported `unknown`, for people
 * to check on the hosts, never run twice); a notification that fails is recorded (notify-or-record.ts) and the run still ends Escalated.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import type { RemediationProgress, RollbackRecord, WorkflowState } from '../model.js';
import { LOCK_LOST_ERROR } from '../lock-lease.js';
import { notifyOrRecord } from '../notify-or-record.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { recordedEntry } from '../recorded-effects.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

/** The progress of a remediation whose first step failed before it returned anything. */
const NOTHING_RETURNED: RemediationProgress = {
  nextStep: 0,
  done: false,
  failed: false,
  outcomes: [],
};

/** What Escalate uses (commands and executors: it undoes the completed steps before telling people). */
export type EscalatePorts = Pick<
  WorkflowPorts,
  'audit' | 'notifier' | 'events' | 'config' | 'commands' | 'executors' | 'errorWording'
>;

/** The one-line reason of an escalation, from what the execution reached. */
export function escalationReason(state: WorkflowState): string {
  // An error caught after remediation began (RemediateStep, VerifySend, Verify): the run ends Failed, and this says why.
  if (state.failure) {
    const lockLost =
      state.failure.Error === LOCK_LOST_ERROR
        ? '; no step this run completed was undone: another execution holds the target, and undoing them could undo its work. Check the hosts'
        : '';
    return `remediation stopped on an error: ${state.failure.Error}: ${String(state.failure.Cause ?? '').slice(0, 500)}${lockLost}`;
  }
  if (state.approval?.timedOut)
    return `nobody approved or rejected the plan (${state.plan?.steps.map((s) => s.action).join(', ') || 'no steps'}) before the approval timeout; nothing was changed. Run it again, or fix the target by hand`;
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
  // Remediation began when a step returned, or when one started and failed before returning (its
  // `step-started` intent): then `$.remediation` lags behind the hosts, and the trail tells the rest.
  const remediationBegan =
    Boolean(state.remediation) || Boolean(recordedEntry(trail, 'step-started'));
  // The rollback (the action catalogue and the document executor, ~15 KiB bundled) loads for an
  // execution whose remediation ran, with the SSM client its undos need (lazy-ssm-ports.ts): an
  // escalation the plan decided never reads them. A lost lock: another execution may be acting on
  // the hosts now, and undoing this run's steps could undo its work; the reason tells people to check.
  const rollback =
    plan && remediationBegan && state.failure?.Error !== LOCK_LOST_ERROR
      ? await (await import('../rollback-run.js')).rollBackOnce(
          trail,
          executionId,
          intake,
          plan,
          state.remediation ?? NOTHING_RETURNED,
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
