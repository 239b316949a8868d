/** Lambda for the workflow's Classify state: Classifies each stored bundle against the runbooks. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Classify');
