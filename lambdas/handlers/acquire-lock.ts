/** Lambda for the workflow's AcquireLock state: Takes the per-target locks (or reports them busy). */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('AcquireLock');
