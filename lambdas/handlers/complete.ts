/** Lambda for the workflow's Complete state: Appends the final audit record and sends the report. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Complete');
