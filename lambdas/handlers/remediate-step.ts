/** Lambda for the workflow's RemediateStep state: Runs the next step of the plan on its targets. */
import { eksActionPorts } from './ports/eks-ports.js';
import { groupMembershipPorts } from './ports/group-ports.js';
import { runbookCatalogPorts } from './ports/runbook-catalog-ports.js';
import { lazySnsNotifierPorts } from './ports/lazy-sns-ports.js';
import { lazySsmCommandPorts } from './ports/lazy-ssm-ports.js';
import { lazyEventBridgeEventPorts } from './ports/lazy-eventbridge-ports.js';
import { runRemediateStep } from '../core/workflow/steps/remediate-step.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/**
 * The ports beyond DynamoDB this step uses (TASK_PORTS.RemediateStep); only their SDK clients are
 * bundled. The runbook catalogue and the groups re-check the group share preconditions before a step
 * acts; their evaluator is loaded only for a runbook that declares one (steps/remediate-step.ts).
 */
export const portFactories = [
  lazySsmCommandPorts,
  lazySnsNotifierPorts,
  eksActionPorts,
  lazyEventBridgeEventPorts,
  runbookCatalogPorts,
  groupMembershipPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RemediateStep', runRemediateStep, {
  portFactories,
  idempotency: idempotentRetries,
});
