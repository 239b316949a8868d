/** Lambda for the workflow's Plan state: Builds the plan: runbook remediation under its guards and the safety switches. */
import { groupMembershipPorts } from './ports/group-ports.js';
import { runbookCatalogPorts } from './ports/runbook-catalog-ports.js';
import { lazyS3EvidencePorts } from './ports/lazy-s3-evidence-ports.js';
import { lazySsmCommandPorts } from './ports/lazy-ssm-ports.js';
import { runPlan } from '../core/workflow/steps/plan.js';
import { createTaskHandler } from './task-handler.js';

/**
 * The ports beyond DynamoDB this step uses (TASK_PORTS.Plan); only their SDK clients are bundled.
 * Plan looks its runbook up by id (the catalogue); a runbook's preconditions are compiled on their
 * own, in a chunk loaded only when the runbook declares some (steps/plan.ts), and so is the
 * evidence store they read.
 */
export const portFactories = [
  lazySsmCommandPorts,
  lazyS3EvidencePorts,
  runbookCatalogPorts,
  groupMembershipPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Plan', runPlan, { portFactories });
