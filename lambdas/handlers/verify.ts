/** Lambda for the workflow's Verify state: Collects and classifies again, and reads the alarm, to decide if the fix worked. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Verify');
