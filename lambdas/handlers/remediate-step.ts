/** Lambda for the workflow's RemediateStep state: Runs the next step of the plan on its targets. */
import { eksActionPorts } from './ports/eks-ports.js';
import { snsNotifierPorts } from './ports/sns-ports.js';
import { lazySsmCommandPorts } from './ports/lazy-ssm-ports.js';
import { eventBridgeEventPorts } from './ports/eventbridge-ports.js';
import { runRemediateStep } from '../core/workflow/steps/remediate-step.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.RemediateStep); only their SDK clients are bundled. */
export const portFactories = [
  lazySsmCommandPorts,
  snsNotifierPorts,
  eksActionPorts,
  eventBridgeEventPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RemediateStep', runRemediateStep, {
  portFactories,
  idempotency: idempotentRetries,
});
