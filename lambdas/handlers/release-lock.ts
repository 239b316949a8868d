/** Lambda for the workflow's ReleaseLock state: Releases the per-target locks (on every path). */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('ReleaseLock');
