/** Lambda for the workflow's Escalate state: Tells people that remediation failed or did not help. */
import { snsNotifierPorts } from './ports/sns-ports.js';
import { eksActionPorts } from './ports/eks-ports.js';
import { eventBridgeEventPorts } from './ports/eventbridge-ports.js';
import { lazySsmCommandPorts } from './ports/lazy-ssm-ports.js';
import { runEscalate } from '../core/workflow/steps/escalate.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Escalate); only their SDK clients are bundled. */
export const portFactories = [
  lazySsmCommandPorts,
  snsNotifierPorts,
  eksActionPorts,
  eventBridgeEventPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Escalate', runEscalate, {
  portFactories,
  idempotency: idempotentRetries,
});
