/**
 * The one way a workflow Lambda is made: middy with Powertools logger, metrics and tracer, optional
 * idempotency (keyed on the execution, the task and, for the remediation loop, the step), and the
 * Task's step from the core registry (lambdas/core/workflow/steps/). Handlers hold no business logic.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { Context } from 'aws-lambda';
import { createAwsPorts, documentClient, type PortFactory } from './aws-ports.js';
import { runTask } from '../core/workflow/steps/index.js';
import type { WorkflowPorts } from '../core/workflow/ports.js';
import type { WorkflowTaskName } from '../core/workflow/task-names.js';
import { ENV, isIdempotentTask } from './environment.js';
import { startInvocation } from './invocation-deadline.js';
import { logger, metrics, tracer } from './powertools.js';

/** Options of one handler. */
export interface TaskHandlerOptions {
  /** The ports this Task needs beyond DynamoDB (see TASK_PORTS); each brings its SDK client into the bundle. */
  readonly portFactories?: readonly PortFactory[];
  /** Ports to use instead of the AWS ones (tests). */
  readonly ports?: WorkflowPorts;
  /** Skip the idempotency layer even for idempotent tasks (tests without a table). */
  readonly idempotency?: boolean;
}

/**
 * The JMESPath of a task's idempotency key. JMESPath literals in backticks are JSON, so a string
 * needs its quotes (`` `"Collect"` ``); a bare `` `Collect` `` fails to parse at the first call.
 */
export function idempotencyKeyPath(task: WorkflowTaskName): string {
  const literal = (value: string): string => `\`${JSON.stringify(value)}\``;
  if (task === 'RemediateStep') return '[executionId, state.remediation.nextStep]';
  if (task === 'Verify') return `[executionId, state.remediation.nextStep, ${literal('verify')}]`;
  // A retried RequestApproval waits on a new task token: it must store that token, not replay the first result.
  if (task === 'RequestApproval') return `[executionId, ${literal(task)}, taskToken]`;
  return `[executionId, ${literal(task)}]`;
}

/** Builds the Lambda handler of one Task state. */
export function createTaskHandler(task: WorkflowTaskName, options: TaskHandlerOptions = {}) {
  const clock = { now: () => new Date() };
  let ports: WorkflowPorts | undefined;
  const base = async (event: unknown, context: Context): Promise<unknown> => {
    startInvocation(context);
    // Built on first use (not at import) so a bad environment fails the invocation with a clear error.
    ports ??= options.ports ?? createAwsPorts(task, options.portFactories ?? [], process.env, undefined, clock);
    const started = Date.now();
    const result = await runTask(task, event, ports, clock);
    metrics.addMetric(`${task}Duration`, MetricUnit.Milliseconds, Date.now() - started);
    return result;
  };
  const handler = middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
  const table = process.env[ENV.idempotencyTable];
  if (isIdempotentTask(task) && options.idempotency !== false && table) {
    handler.use(makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: documentClient() }),
      config: new IdempotencyConfig({
        // A retry of the same Task in the same execution (and, in the loop, the same step) returns the first result.
        eventKeyJmesPath: idempotencyKeyPath(task),
        expiresAfterSeconds: 24 * 3600,
        throwOnNoIdempotencyKey: false,
      }),
    }));
  }
  return handler;
}
