/**
 * Complete: the execution's outcome, recorded as the final audit entry and sent as a report. Its
 * Task is retried on handler errors: a retry finds the `completed` entry of an earlier attempt and
 * does not record (or publish) the outcome again; a report that fails is recorded
 * (notify-or-record.ts) and the run still ends with its outcome.
 */
import { appendAudit } from '../audit-writer.js';
import type { CompletionSummary } from '../model.js';
import { notifyOrRecord } from '../notify-or-record.js';
import { decideOutcome } from '../outcome.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { recordedEntry } from '../recorded-effects.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What Complete uses. */
export type CompletePorts = Pick<
  WorkflowPorts,
  'audit' | 'notifier' | 'events' | 'config' | 'errorWording'
>;

/** Complete: outcome, runbook, targets and duration. */
export async function runComplete(
  { executionId, state }: TaskInput,
  ports: CompletePorts,
  clock: Clock,
): Promise<CompletionSummary> {
  const intake = requireState('Complete', state.intake, 'intake');
  const outcome = decideOutcome(state);
  const refused = state.approval?.refused;
  const runbookId =
    state.plan?.runbookId ?? state.classification?.runbookId ?? intake.runbookId ?? null;
  const durationMs = Math.max(0, clock.now().getTime() - Date.parse(intake.startedAt));
  const summary: CompletionSummary = {
    executionId,
    outcome,
    runbookId,
    targets: intake.targets.map((t) => t.id),
    durationMs,
    failed: Boolean(state.failure),
  };
  if (!recordedEntry(await ports.audit.execution(executionId), 'completed')) {
    await appendAudit(
      ports,
      clock,
      executionId,
      intake,
      'completed',
      {
        ...summary,
        decision: state.plan?.decision ?? null,
        reason: state.plan?.reason ?? null,
        ...(state.failure ? { failure: state.failure } : {}),
        ...(state.escalation ? { escalation: state.escalation } : {}),
        ...(state.releaseFailure ? { releaseFailure: state.releaseFailure } : {}),
      },
      { outcome, ...(runbookId ? { runbookId } : {}) },
    );
    // Every run that ends in a Fail state other than Escalated (which published `escalated`)
    // publishes `failed`: a step's error (Failed), or locks it could not give back (LocksNotReleased,
    // whatever its outcome), so consumers never see a run end on its last milestone.
    const failedWith = [
      state.failure ? `${state.failure.Error}: ${state.failure.Cause ?? ''}` : '',
      state.releaseFailure
        ? `target locks NOT released: ${state.releaseFailure.Error}: ${state.releaseFailure.Cause ?? ''}`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (failedWith)
      await publishStatus(ports, clock, executionId, intake, 'failed', {
        runbookId,
        summary: failedWith,
      });
    // A forged or unverified resume of the approval: the run is a rejection, and someone must look.
    if (refused)
      await publishStatus(ports, clock, executionId, intake, 'escalated', {
        runbookId,
        summary: refused.reason,
      });
  }
  await notifyOrRecord(
    ports,
    clock,
    executionId,
    intake,
    {
      kind: 'report',
      subject: `[paramedic] ${outcome}${refused ? ' (unverified approval refused)' : ''}${state.releaseFailure ? ' (target locks NOT released)' : ''}: ${runbookId ?? 'unclassified'} on ${summary.targets.slice(0, 5).join(', ') || 'no target'}`,
      body: JSON.stringify({
        ...summary,
        ...(refused ? { approvalRefused: refused } : {}),
        ...(state.releaseFailure ? { releaseFailure: state.releaseFailure } : {}),
        plan: state.plan ?? null,
      }).slice(0, 200_000),
    },
    runbookId,
  );
  return summary;
}
