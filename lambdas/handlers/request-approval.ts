/** Lambda for the workflow's RequestApproval state: Notifies approvers with the evidence and the plan (the state waits for the task token). */
import { snsNotifierPorts } from './ports/sns-ports.js';
import { eventBridgeEventPorts } from './ports/eventbridge-ports.js';
import { runRequestApproval } from '../core/workflow/steps/request-approval.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.RequestApproval); only their SDK clients are bundled. */
export const portFactories = [snsNotifierPorts, eventBridgeEventPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RequestApproval', runRequestApproval, {
  portFactories,
  idempotency: idempotentRetries,
});
