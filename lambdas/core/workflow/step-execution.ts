/**
 * Running one planned step through the executor of its action target: shared by RemediateStep
 * (the plan, forwards) and Escalate's rollback (the inverses, backwards), so each Lambda bundles
 * only its own step file.
 */
import type { ActionTarget } from '../remediation/catalog.js';
import { documentExecutor, reportExecutor } from '../remediation/document-executor.js';
import type { PlannedStep, StepOutcome, Target } from './model.js';
import type { ActionExecutor, Clock, WorkflowPorts } from './ports.js';

/** The executor of each action target: SSM documents for hosts, the notifier for `report`, then the configured ones (Escalate's rollback uses it too). */
export function executorsOf(
  ports: Pick<WorkflowPorts, 'commands' | 'notifier' | 'executors'>,
  clock: Clock,
): Partial<Record<ActionTarget, ActionExecutor>> {
  return {
    'docker-host': documentExecutor(ports.commands, clock),
    'eks-node': documentExecutor(ports.commands, clock),
    none: reportExecutor(ports.notifier),
    ...ports.executors,
  };
}

/** Runs one planned step through the executor of its action target; a missing executor or a thrown error is a failed outcome per target. */
export async function executeStep(
  step: PlannedStep,
  known: readonly Target[],
  executionId: string,
  executors: Partial<Record<ActionTarget, ActionExecutor>>,
): Promise<readonly StepOutcome[]> {
  const targets = step.invocations
    .map((inv) => known.find((t) => t.id === inv.target))
    .filter((t): t is Target => t !== undefined);
  const executor = executors[step.actionTarget];
  const failedAll = (detail: string): StepOutcome[] =>
    targets.map((t) => ({
      step: step.index,
      action: step.action,
      target: t.id,
      status: 'failed',
      detail,
    }));
  try {
    return executor
      ? await executor.execute(step, targets, { executionId })
      : failedAll(`no executor for ${step.actionTarget} actions is configured`);
  } catch (error) {
    return failedAll(`${(error as Error).name}: ${(error as Error).message}`.slice(0, 500));
  }
}
