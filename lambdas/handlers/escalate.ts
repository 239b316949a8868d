/** Lambda for the workflow's Escalate state: Tells people that remediation failed or did not help. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Escalate');
