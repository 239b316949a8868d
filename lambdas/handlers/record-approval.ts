/** Lambda for the workflow's RecordApproval state: Records the approval decision (who, when) or its timeout. */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RecordApproval');
