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
import { executeStep, executorsOf } from './step-execution.js';

/**
 * Undoes what the remediation changed; undefined when no completed step has an inverse. An undo that fails is recorded
 * and the rest still run (each undo restores an independent change); the status says `partial`.
 */
export async function rollBack(
  executionId: string,
  intake: IntakeResult,
  plan: Plan,
  progress: RemediationProgress,
  reason: string,
  ports: Pick<WorkflowPorts, 'audit' | 'notifier' | 'commands' | 'executors'>,
  clock: Clock,
): Promise<RollbackRecord | undefined> {
  const undo = rollbackSteps(plan.steps, progress.outcomes);
  // Nothing this remediation changed has an inverse: nothing to record either.
  if (undo.length === 0) return undefined;
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
