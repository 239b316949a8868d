/**
 * Powertools idempotency for the Tasks whose retries must not repeat a side effect (SendCommand,
 * notifications): the Tasks whose TASK_PORTS entry declares `idempotency`. Only their handler files
 * import this module, so the other functions do not bundle the layer (~15 KiB).
 *
 * The key is computed in code (idempotency-key.ts) and handed to Powertools' `makeIdempotent` as
 * the argument it hashes (`dataIndexArgument`), with no `eventKeyJmesPath`: Powertools then never
 * evaluates JMESPath, and the bundles carry a stand-in for the engine (lambda-bundling.ts).
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { documentClient } from './aws-ports.js';
import { ENV } from './environment.js';
import { type IdempotencyKey, idempotencyKey } from './idempotency-key.js';
import type { IdempotencyLayer } from './task-handler.js';

/** How long a Task's result answers its retries: a day, far past the retries of one Task. */
const RECORD_LIFETIME_SECONDS = 24 * 3600;

/**
 * The invocation, passed to the idempotent function beside its key. In one object on purpose:
 * `makeIdempotent` treats a function whose second argument is a Lambda context (or a durable
 * execution context, an object with `step`) as a handler and hashes its first argument, the event,
 * whatever `dataIndexArgument` says.
 */
interface Invocation {
  readonly event: unknown;
  readonly context: Context;
}

/** A retry of the same Task in the same execution (and, in the loop, the same step) returns the first result; none without a table. */
export const idempotentRetries: IdempotencyLayer = (task, invoke) => {
  const table = process.env[ENV.idempotencyTable];
  if (!table) return undefined;
  const config = new IdempotencyConfig({
    expiresAfterSeconds: RECORD_LIFETIME_SECONDS,
    // The key is never missing: it names the Task (or, in the remediation loop, the execution), so
    // no input is let through without a record; one without executionId fails parseTaskInput.
    throwOnNoIdempotencyKey: false,
  });
  const once = makeIdempotent(
    (_key: IdempotencyKey, { event, context }: Invocation) => invoke(event, context),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: table,
        awsSdkV3Client: documentClient(),
      }),
      config,
      dataIndexArgument: 0,
    },
  );
  return (event, context) => {
    // An in-progress record expires with this invocation's remaining time, so a retry after a
    // timeout is not refused as "already in progress" for the whole record lifetime.
    config.registerLambdaContext(context);
    return once(idempotencyKey(task, event), { event, context });
  };
};
