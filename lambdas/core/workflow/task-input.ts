/**
 * What every Task receives from the state machine (its Parameters): `{ executionId, state, taskToken? }`.
 * `state` is the whole execution state (`$`), `executionId` is `$$.Execution.Id`, `taskToken`
 * (RequestApproval only) is `$$.Task.Token`. Locally, aws-local-stepfunctions does not invent the
 * context: the local runner passes `context: { Execution: { Id }, Task: { Token } }` to `run()`.
 */
import type { WorkflowState } from './model.js';

/** What every Task receives (the state machine's Parameters). */
export interface TaskInput {
  readonly executionId: string;
  readonly state: WorkflowState;
  readonly taskToken?: string;
}

/** The input of a Task was not what the state machine sends. */
export class TaskInputError extends Error {
  constructor(task: string, message: string) {
    super(`${task}: ${message}`);
    this.name = 'TaskInputError';
  }
}

/**
 * Validates a Task's raw input. RequestApproval is a `lambda:invoke.waitForTaskToken` Task: locally
 * its override receives `{ FunctionName, Payload }`, the Lambda receives only the Payload; both are accepted.
 * @throws TaskInputError naming what is missing.
 */
export function parseTaskInput(task: string, raw: unknown): TaskInput {
  const input =
    typeof raw === 'object' && raw !== null && 'Payload' in raw && 'FunctionName' in raw
      ? (raw as { Payload: unknown }).Payload
      : raw;
  if (typeof input !== 'object' || input === null)
    throw new TaskInputError(task, 'expected {"executionId","state"} from the state machine');
  const o = input as Record<string, unknown>;
  if (typeof o.executionId !== 'string' || o.executionId.length === 0)
    throw new TaskInputError(
      task,
      'missing executionId ($$.Execution.Id); locally pass context.Execution.Id to run()',
    );
  if (typeof o.state !== 'object' || o.state === null)
    throw new TaskInputError(task, 'missing state ($)');
  return {
    executionId: o.executionId,
    state: o.state as WorkflowState,
    ...(typeof o.taskToken === 'string' ? { taskToken: o.taskToken } : {}),
  };
}

/** A field an earlier step must have put in the state; its absence means the definition and the steps disagree. */
export function requireState<T>(task: string, value: T | undefined, what: string): T {
  if (value === undefined)
    throw new TaskInputError(
      task,
      `state has no ${what}: the state machine definition and the steps disagree`,
    );
  return value;
}

/** `arn:aws:states:…:execution:Machine:name` -> `name`; safe as an S3 key segment. */
export function executionName(executionId: string): string {
  const name = executionId.split(':').pop() ?? executionId;
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128) || 'execution';
}

/** The state-table key of an execution's pending approval (RequestApproval writes it, the approve Lambda reads it). */
export function approvalKey(executionId: string): string {
  return `approval#${executionName(executionId)}`;
}
