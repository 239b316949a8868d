/** Lambda for the workflow's Intake state: Normalizes the alarm or manual input, resolves targets, de-duplicates deliveries. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Intake');
