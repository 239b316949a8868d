/** Lambda for the workflow's Collect state: Runs the collector documents on the targets and stores each bundle in S3. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Collect');
