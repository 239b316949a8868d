/**
 * The one way a workflow Lambda is made: middy with the Powertools logger and metrics around the
 * Task's own step, imported by its handler file straight from `core/workflow/steps/<task>.ts` (not
 * the registry, which would bundle every step into every function). Tasks that declare the
 * idempotency port pass the layer from idempotency.ts, which wraps the Task's invocation inside the
 * logger and metrics middlewares, so a replayed result is logged and flushed as any other; the
 * others never bundle it. Handlers hold no business logic.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { createAwsPorts, type PortFactory } from './aws-ports.js';
import type { Clock, WorkflowPorts } from '../core/workflow/ports.js';
import type { TaskInput } from '../core/workflow/task-input.js';
import { runStep, type WorkflowStep } from '../core/workflow/run-step.js';
import type { WorkflowTaskName } from '../core/workflow/task-names.js';
import { isIdempotentTask } from './environment.js';
import { startInvocation } from './invocation-deadline.js';
import { logger, metrics } from './powertools.js';

/** A step of `core/workflow/steps/` (each declares a narrower ports type; WorkflowPorts satisfies it). */
export type TaskStep<P> = (input: TaskInput, ports: P, clock: Clock) => Promise<unknown>;

/** One invocation of a Task: the raw input Step Functions passed and the Lambda context. */
export type TaskInvocation = (event: unknown, context: Context) => Promise<unknown>;

/** Wraps a Task's invocation so its retries get the first result back, or returns none (no table configured). */
export type IdempotencyLayer = (
  task: WorkflowTaskName,
  invoke: TaskInvocation,
) => TaskInvocation | undefined;

/** Options of one handler. */
export interface TaskHandlerOptions {
  /** The ports this Task needs beyond DynamoDB (see TASK_PORTS); each brings its SDK client into the bundle. */
  readonly portFactories?: readonly PortFactory[];
  /** Ports to use instead of the AWS ones (tests). */
  readonly ports?: WorkflowPorts;
  /** Required exactly for the Tasks whose TASK_PORTS entry declares `idempotency` (idempotency.ts). */
  readonly idempotency?: IdempotencyLayer;
}

/** The handler file and TASK_PORTS disagree about idempotency: fix the handler file. */
export class TaskWiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskWiringError';
  }
}

/**
 * Builds the Lambda handler of one Task state.
 * @example export const handler = createTaskHandler('Collect', runCollect, { portFactories, idempotency: idempotentRetries })
 */
export function createTaskHandler<P>(
  task: WorkflowTaskName,
  step: TaskStep<P>,
  options: TaskHandlerOptions = {},
) {
  if (isIdempotentTask(task) !== (options.idempotency !== undefined)) {
    throw new TaskWiringError(
      isIdempotentTask(task)
        ? `${task} declares the idempotency port (TASK_PORTS) but its handler file does not pass idempotency: idempotentRetries (lambdas/handlers/idempotency.ts)`
        : `${task} does not declare the idempotency port (TASK_PORTS) but its handler file passes an idempotency layer; remove it or declare the port`,
    );
  }
  const clock = { now: () => new Date() };
  let ports: WorkflowPorts | undefined;
  const invoke: TaskInvocation = async (event) => {
    // Built on first use (not at import) so a bad environment fails the invocation with a clear error.
    ports ??=
      options.ports ??
      createAwsPorts(task, options.portFactories ?? [], process.env, undefined, clock);
    const started = Date.now();
    // The same runner as the local root: large results and audit payloads by reference (S3).
    const result = await runStep(task, step as unknown as WorkflowStep, event, ports, clock);
    metrics.addMetric(`${task}Duration`, MetricUnit.Milliseconds, Date.now() - started);
    return result;
  };
  // Keyed on the raw event, before runStep reads state stored by reference back.
  const once = options.idempotency?.(task, invoke) ?? invoke;
  const base = async (event: unknown, context: Context): Promise<unknown> => {
    startInvocation(context);
    return once(event, context);
  };
  return middy(base)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
}
