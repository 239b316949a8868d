/** Lambda for the workflow's ReleaseLock state: Releases the per-target locks (on every path). */
import type { PortFactory } from './aws-ports.js';
import { runReleaseLock } from '../core/workflow/steps/release-lock.js';
import { createTaskHandler } from './task-handler.js';

/** This step needs no AWS port beyond DynamoDB (TASK_PORTS.ReleaseLock): no other SDK client is bundled. */
export const portFactories: readonly PortFactory[] = [];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('ReleaseLock', runReleaseLock, { portFactories });
