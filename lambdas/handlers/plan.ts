/** Lambda for the workflow's Plan state: Builds the plan: runbook remediation under its guards and the safety switches. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Plan');
