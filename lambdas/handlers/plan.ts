/** Lambda for the workflow's Plan state: Builds the plan: runbook remediation under its guards and the safety switches. */
import { runbookCatalogPorts } from './ports/runbook-ports.js';
import { runPlan } from '../core/workflow/steps/plan.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Plan); only their SDK clients are bundled. */
export const portFactories = [runbookCatalogPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Plan', runPlan, { portFactories });
