/** Lambda for the workflow's CollectSend state (waitForTaskToken): sends the collector documents, registers the wait and returns; the completion events resume the workflow. */
import { ssmCommandPorts } from './ports/ssm-ports.js';
import { lazyTaskCallbackPorts } from './ports/lazy-task-callback-ports.js';
import { runCollectSend } from '../core/workflow/steps/collect-send.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.CollectSend); only their SDK clients are bundled. */
export const portFactories = [ssmCommandPorts, lazyTaskCallbackPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('CollectSend', runCollectSend, {
  portFactories,
  idempotency: idempotentRetries,
});
