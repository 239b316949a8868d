/** Lambda for the workflow's RemediateStep state: Runs the next step of the plan on its targets. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RemediateStep');
