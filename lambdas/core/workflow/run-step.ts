/**
 * How every Task runs, on Lambda and locally: validate the raw state-machine input, read back the
 * results earlier Tasks stored by reference, run the step (large audit payloads by reference too),
 * and store its result by reference when too large for the state. One function so the Lambda
 * handlers and the local runner cannot diverge (the handlers once called the step directly, and on
 * AWS large results then travelled inline into States.DataLimitExceeded).
 */
import type { Clock, WorkflowPorts } from './ports.js';
import {
  auditWithLargeDataByReference,
  loadReferencedState,
  storeLargeResult,
} from './state-by-reference.js';
import { executionName, parseTaskInput, type TaskInput } from './task-input.js';
import type { WorkflowTaskName } from './task-names.js';

/** A step over the full set of ports (each step declares a narrower one, which WorkflowPorts satisfies). */
export type WorkflowStep = (
  input: TaskInput,
  ports: WorkflowPorts,
  clock: Clock,
) => Promise<unknown>;

/**
 * Runs `step` as Task `task` on the raw input Step Functions (or the local runner) passed.
 * @example await runStep('Plan', runPlan, { executionId, state }, ports, clock)
 */
export async function runStep(
  task: WorkflowTaskName,
  step: WorkflowStep,
  raw: unknown,
  ports: WorkflowPorts,
  clock: Clock,
): Promise<unknown> {
  const input = parseTaskInput(task, raw);
  const store = ports.stateDocuments;
  if (!store) return step(input, ports, clock);
  const execution = executionName(input.executionId);
  const byReference = {
    ...ports,
    audit: auditWithLargeDataByReference(ports.audit, store, execution),
  };
  const result = await step(
    { ...input, state: await loadReferencedState(store, input.state) },
    byReference,
    clock,
  );
  return storeLargeResult(store, execution, task, result);
}
