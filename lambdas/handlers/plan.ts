/** Lambda for the workflow's Plan state: Builds the plan: runbook remediation under its guards and the safety switches. */
import { groupMembershipPorts } from './ports/group-ports.js';
import { runbookPorts } from './ports/runbook-ports.js';
import { s3EvidencePorts } from './ports/s3-ports.js';
import { lazySsmCommandPorts } from './ports/lazy-ssm-ports.js';
import { runPlan } from '../core/workflow/steps/plan.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Plan); only their SDK clients are bundled. Preconditions evaluate expressions, so Plan loads the compiled runbooks, not the catalogue alone. */
export const portFactories = [
  lazySsmCommandPorts,
  s3EvidencePorts,
  runbookPorts,
  groupMembershipPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Plan', runPlan, { portFactories });
