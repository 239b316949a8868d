/**
 * The one way a workflow Lambda is made: middy with Powertools logger, metrics and tracer, optional
 * idempotency (keyed on the execution, the task and, for the remediation loop, the step), and the
 * Task function from createWorkflowTasks. Handlers hold no business logic.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { Context } from 'aws-lambda';
import { createAwsPorts, documentClient } from './aws-ports.js';
import { ENV, IDEMPOTENT_TASKS } from './environment.js';
import { createWorkflowTasks, type WorkflowPorts, type WorkflowTaskName } from './workflow-tasks.js';

/** Shared by every function (one service name, one namespace). */
export const logger = new Logger({ serviceName: 'paramedic' });
/** Shared metrics (namespace Paramedic). */
export const metrics = new Metrics({ namespace: 'Paramedic', serviceName: 'paramedic' });
/** Shared tracer. */
export const tracer = new Tracer({ serviceName: 'paramedic' });

/** Options of one handler. */
export interface TaskHandlerOptions {
  /** Ports to use instead of the AWS ones (tests). */
  readonly ports?: WorkflowPorts;
  /** Skip the idempotency layer even for idempotent tasks (tests without a table). */
  readonly idempotency?: boolean;
}

/** Builds the Lambda handler of one Task state. */
export function createTaskHandler(task: WorkflowTaskName, options: TaskHandlerOptions = {}) {
  let run: ((input: unknown) => Promise<unknown>) | undefined;
  const base = async (event: unknown, _context: Context): Promise<unknown> => {
    // Built on first use (not at import) so a bad environment fails the invocation with a clear error.
    run ??= createWorkflowTasks(options.ports ?? createAwsPorts())[task];
    const started = Date.now();
    const result = await run(event);
    metrics.addMetric(`${task}Duration`, MetricUnit.Milliseconds, Date.now() - started);
    return result;
  };
  const handler = middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
  const table = process.env[ENV.idempotencyTable];
  if (IDEMPOTENT_TASKS.has(task) && options.idempotency !== false && table) {
    handler.use(makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: documentClient() }),
      config: new IdempotencyConfig({
        // A retry of the same Task in the same execution (and, in the loop, the same step) returns the first result.
        eventKeyJmesPath: task === 'RemediateStep' ? '[executionId, state.remediation.nextStep]' : task === 'Verify' ? '[executionId, state.remediation.nextStep, `verify`]' : `[executionId, \`${task}\`]`,
        expiresAfterSeconds: 24 * 3600,
        throwOnNoIdempotencyKey: false,
      }),
    }));
  }
  return handler;
}
