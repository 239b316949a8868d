/**
 * Powertools idempotency for the Tasks whose retries must not repeat a side effect (SendCommand,
 * notifications): the Tasks whose TASK_PORTS entry declares `idempotency`. Only their handler files
 * import this module, so the other functions do not bundle the layer (~37 KiB).
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { WorkflowTaskName } from '../core/workflow/task-names.js';
import { documentClient } from './aws-ports.js';
import { ENV } from './environment.js';
import type { IdempotencyLayer } from './task-handler.js';

/**
 * The JMESPath of a task's idempotency key. JMESPath literals in backticks are JSON, so a string
 * needs its quotes (`` `"Collect"` ``); a bare `` `Collect` `` fails to parse at the first call.
 */
export function idempotencyKeyPath(task: WorkflowTaskName): string {
  const literal = (value: string): string => `\`${JSON.stringify(value)}\``;
  if (task === 'RemediateStep') return '[executionId, state.remediation.nextStep]';
  if (task === 'Verify') return `[executionId, state.remediation.nextStep, ${literal('verify')}]`;
  // A retried waitForTaskToken Task waits on a new task token: it must store that token, not replay the first result.
  if (task === 'RequestApproval' || task === 'CollectSend' || task === 'VerifySend')
    return `[executionId, ${literal(task)}, taskToken]`;
  return `[executionId, ${literal(task)}]`;
}

/** A retry of the same Task in the same execution (and, in the loop, the same step) returns the first result; none without a table. */
export const idempotentRetries: IdempotencyLayer = (task) => {
  const table = process.env[ENV.idempotencyTable];
  if (!table) return undefined;
  return makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: table,
      awsSdkV3Client: documentClient(),
    }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: idempotencyKeyPath(task),
      expiresAfterSeconds: 24 * 3600,
      throwOnNoIdempotencyKey: false,
    }),
  });
};
