/** Lambda for the workflow's Complete state: Appends the final audit record and sends the report. */
import { snsNotifierPorts } from './ports/sns-ports.js';
import { lazyEventBridgeEventPorts } from './ports/lazy-eventbridge-ports.js';
import { runComplete } from '../core/workflow/steps/complete.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Complete); only their SDK clients are bundled. */
export const portFactories = [snsNotifierPorts, lazyEventBridgeEventPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Complete', runComplete, {
  portFactories,
  idempotency: idempotentRetries,
});
