/** Lambda for the workflow's VerifySend state (waitForTaskToken): renews the locks, sends the collector documents again, registers the wait and returns. */
import { ssmCommandPorts } from './ports/ssm-ports.js';
import { lazyTaskCallbackPorts } from './ports/lazy-task-callback-ports.js';
import { runVerifySend } from '../core/workflow/steps/verify-send.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.VerifySend); only their SDK clients are bundled. */
export const portFactories = [ssmCommandPorts, lazyTaskCallbackPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('VerifySend', runVerifySend, {
  portFactories,
  idempotency: idempotentRetries,
});
