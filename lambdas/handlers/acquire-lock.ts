/** Lambda for the workflow's AcquireLock state: Takes the per-target locks (or reports them busy). */
import type { PortFactory } from './aws-ports.js';
import { runAcquireLock } from '../core/workflow/steps/acquire-lock.js';
import { createTaskHandler } from './task-handler.js';

/** This step needs no AWS port beyond DynamoDB (TASK_PORTS.AcquireLock): no other SDK client is bundled. */
export const portFactories: readonly PortFactory[] = [];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('AcquireLock', runAcquireLock, { portFactories });
