/** Lambda for the workflow's RequestApproval state: Notifies approvers with the evidence and the plan (the state waits for the task token). */
import { createTaskHandler } from './task-handler.js';

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RequestApproval');
