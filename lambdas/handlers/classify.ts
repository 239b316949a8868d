/** Lambda for the workflow's Classify state: Classifies each stored bundle against the runbooks. */
import { runbookPorts } from './ports/runbook-ports.js';
import { s3EvidencePorts } from './ports/s3-ports.js';
import { eventBridgeEventPorts } from './ports/eventbridge-ports.js';
import { runClassify } from '../core/workflow/steps/classify.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Classify); only their SDK clients are bundled. */
export const portFactories = [s3EvidencePorts, runbookPorts, eventBridgeEventPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Classify', runClassify, { portFactories });
