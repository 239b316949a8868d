/** Lambda for the workflow's RecordApproval state: Records the approval decision (who, when) or its timeout. */
import type { PortFactory } from './aws-ports.js';
import { runRecordApproval } from '../core/workflow/steps/record-approval.js';
import { createTaskHandler } from './task-handler.js';

/** This step needs no AWS port beyond DynamoDB (TASK_PORTS.RecordApproval): no other SDK client is bundled. */
export const portFactories: readonly PortFactory[] = [];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('RecordApproval', runRecordApproval, { portFactories });
