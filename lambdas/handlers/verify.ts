/** Lambda for the workflow's Verify state: Collects and classifies again, and reads the alarm, to decide if the fix worked. */
import { cloudWatchAlarmPorts } from './ports/cloudwatch-ports.js';
import { eksClusterPorts } from './ports/eks-ports.js';
import { runbookPorts } from './ports/runbook-ports.js';
import { s3EvidencePorts } from './ports/s3-ports.js';
import { ssmCommandPorts } from './ports/ssm-ports.js';
import { lazyEventBridgeEventPorts } from './ports/lazy-eventbridge-ports.js';
import { runVerify } from '../core/workflow/steps/verify.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Verify); only their SDK clients are bundled. */
export const portFactories = [
  ssmCommandPorts,
  s3EvidencePorts,
  cloudWatchAlarmPorts,
  runbookPorts,
  eksClusterPorts,
  lazyEventBridgeEventPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Verify', runVerify, {
  portFactories,
  idempotency: idempotentRetries,
});
