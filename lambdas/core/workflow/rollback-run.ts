/** Runs a rollback: the undo steps of the completed remediation, last first, each through its executor, recorded in the audit. */
import { rollbackSteps } from '../remediation/rollback.js';
import { appendAudit, withRunbook } from './audit-writer.js';
import type {
  IntakeResult,
  Plan,
  RemediationProgress,
  RollbackRecord,
  StepOutcome,
} from './model.js';
import type { Clock, WorkflowPorts } from './ports.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import {
  interruptedRollback,
  recordedRollback,
  stepsWithUnknownOutcome,
} from './recorded-effects.js';
import { executeStep, executorsOf } from './step-execution.js';

/** What a rollback uses. */
type RollbackPorts = Pick<WorkflowPorts, 'audit' | 'notifier' | 'commands' | 'executors'>;

/**
 * Rolls back at most once per execution, for a step whose retry re-runs it: reuses the rollback an
 * earlier attempt recorded; when an earlier attempt started one and stopped before recording it
 * (a throttled append, a Lambda timeout mid-rollback), records it as `unknown` instead of running
 * the undos again; otherwise runs it, over the steps that succeeded and those the trail shows
 * started without a recorded outcome.
 */
export async function rollBackOnce(
  trail: readonly AuditEntry[],
  executionId: string,
  intake: IntakeResult,
  plan: Plan,
  progress: RemediationProgress,
  reason: string,
  ports: RollbackPorts,
  clock: Clock,
): Promise<RollbackRecord | undefined> {
  const recorded = recordedRollback(trail);
  if (recorded) return recorded;
  const cutShort = interruptedRollback(trail);
  if (!cutShort)
    return rollBack(
      executionId,
      intake,
      plan,
      progress,
      reason,
      ports,
      clock,
      stepsWithUnknownOutcome(trail),
    );
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'rolled-back',
    cutShort,
    withRunbook(plan.runbookId),
  );
  return cutShort;
}

/**
 * Undoes what the remediation changed, after recording that it is about to (`rolling-back`);
 * undefined when no completed step has an inverse. An undo that fails is recorded and the rest
 * still run (each undo restores an independent change); the status says `partial`. Steps in
 * `outcomeUnknown` (started, outcome never recorded) are undone as if they succeeded (rollback.ts says why).
 */
export async function rollBack(
  executionId: string,
  intake: IntakeResult,
  plan: Plan,
  progress: RemediationProgress,
  reason: string,
  ports: RollbackPorts,
  clock: Clock,
  outcomeUnknown: readonly number[] = [],
): Promise<RollbackRecord | undefined> {
  const undo = rollbackSteps(plan.steps, progress.outcomes, outcomeUnknown);
  const unknownUndone = outcomeUnknown.filter((i) => undo.some((u) => u.undoes === i));
  // Nothing this remediation changed has an inverse: nothing to record either.
  if (undo.length === 0) return undefined;
  // The intent goes first: a retry that finds it without `rolled-back` must not undo again (rollBackOnce).
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'rolling-back',
    {
      reason,
      steps: undo.map(({ undoes, step }) => ({ undoes, action: step.action })),
      ...(unknownUndone.length ? { outcomeUnknown: unknownUndone } : {}),
    },
    withRunbook(plan.runbookId),
  );
  const executors = executorsOf(ports, clock);
  const steps: { undoes: number; action: string; outcomes: readonly StepOutcome[] }[] = [];
  for (const { undoes, step } of undo) {
    const outcomes = await executeStep(step, intake.targets, executionId, executors);
    steps.push({ undoes, action: step.action, outcomes });
  }
  const status = steps.every((s) => s.outcomes.every((o) => o.status === 'succeeded'))
    ? 'rolled-back'
    : 'partial';
  const record: RollbackRecord = { status, reason, steps };
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'rolled-back',
    record,
    withRunbook(plan.runbookId),
  );
  return record;
}
