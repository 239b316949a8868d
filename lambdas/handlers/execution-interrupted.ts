/**
 * Lambda on the EventBridge rule for Step Functions' "Execution Status Change" of this deployment's
 * state machine (FAILED, TIMED_OUT, ABORTED): closes a run whose Complete step never wrote its
 * outcome (core/workflow/close-interrupted-execution.ts). A foreign or malformed event is logged
 * in one line and ignored, never thrown; a redelivery finds the entry and does nothing.
 */
import middy from '@middy/core';
import { awsErrorWording } from '../adapters/aws-sdk/aws-error-message.js';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDbAuditStore } from '../adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { DynamoDbLockStore } from '../adapters/dynamodb/dynamodb-lock-store.js';
import { resolveWorkflowConfig } from '../core/workflow/config.js';
import {
  closeInterruptedExecution,
  type CloseInterruptedPorts,
  type CloseInterruptedResult,
} from '../core/workflow/close-interrupted-execution.js';
import { isEndedExecution, parseEndedExecution } from '../core/workflow/execution-status-event.js';
import type { Clock } from '../core/workflow/ports.js';
import type { ExecutionEventPublisher } from '../core/events/execution-events.js';
import type { StateDocumentStore } from '../core/workflow/state-by-reference.js';
import { documentClient, requiredEnvironment, workflowConfigFrom } from './handler-environment.js';
import { ENV } from './environment.js';
import { lazyPort } from './ports/lazy-port.js';
import { logger } from './powertools.js';

/** What one event led to: ignored (with why) or the close result. */
export type ExecutionInterruptedResult = { readonly ignored: string } | CloseInterruptedResult;

/** Parses the event and closes the execution it reports; the ports are the handler's (or a test's). */
export async function handleExecutionStatusChange(
  event: unknown,
  stateMachineArn: string,
  ports: CloseInterruptedPorts,
  clock: Clock,
): Promise<ExecutionInterruptedResult> {
  const ended = parseEndedExecution(event, stateMachineArn);
  if (!isEndedExecution(ended)) return { ignored: ended.rejected };
  return closeInterruptedExecution(ended, ports, clock);
}

/** The ports from the environment CDK sets (EVENT_HANDLERS.ExecutionInterrupted). */
export function executionInterruptedPorts(
  env: NodeJS.ProcessEnv,
  clock: Clock,
): CloseInterruptedPorts {
  const ddb = documentClient();
  const stateTable = requiredEnvironment(env, ENV.stateTable);
  const evidenceBucket = requiredEnvironment(env, ENV.evidenceBucket);
  return {
    audit: new DynamoDbAuditStore(ddb, requiredEnvironment(env, ENV.auditTable)),
    locks: new DynamoDbLockStore(ddb, stateTable, clock),
    state: new DynamoDbStateStore(ddb, stateTable, clock),
    config: resolveWorkflowConfig(workflowConfigFrom(env)),
    errorWording: awsErrorWording,
    // Read only for a large fleet's run (its `triggered` entry by reference): S3 loads then, not at cold start.
    stateDocuments: lazyPort<StateDocumentStore>(async () => {
      const [{ S3StateDocuments }, { s3ObjectsFrom }] = await Promise.all([
        import('../adapters/s3/s3-state-documents.js'),
        import('./ports/s3-objects.js'),
      ]);
      return new S3StateDocuments(s3ObjectsFrom(env), evidenceBucket);
    }),
    // Published only when a run is closed (rare): the EventBridge client loads then, not at cold start.
    events: lazyPort<ExecutionEventPublisher>(
      async () =>
        (await import('./ports/eventbridge-ports.js')).eventBridgeEventPorts.create(env).events!,
    ),
  };
}

const clock: Clock = { now: () => new Date() };
let ports: CloseInterruptedPorts | undefined;

/** The Lambda handler. */
export const handler = middy(async (event: unknown) => {
  ports ??= executionInterruptedPorts(process.env, clock);
  const result = await handleExecutionStatusChange(
    event,
    requiredEnvironment(process.env, ENV.stateMachineArn),
    ports,
    clock,
  );
  if ('ignored' in result) logger.warn(`ignored an event: ${result.ignored}`);
  else if (result.closed)
    logger.info('closed an interrupted execution', {
      executionId: result.executionId,
      reason: result.reason,
      released: result.released.length,
    });
  else
    logger.info('execution needs no closing', {
      executionId: result.executionId,
      why: result.why,
      ...(result.released ? { released: result.released.length } : {}),
    });
  return result;
}).use(injectLambdaContext(logger, { clearState: true }));
