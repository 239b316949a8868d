/** Lambda for the workflow's Collect state: Runs the collector documents on the targets and stores each bundle in S3. */
import { eksClusterPorts } from './ports/eks-ports.js';
import { s3EvidencePorts } from './ports/s3-ports.js';
import { ssmCommandPorts } from './ports/ssm-ports.js';
import { runCollect } from '../core/workflow/steps/collect.js';
import { idempotentRetries } from './idempotency.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Collect); only their SDK clients are bundled. */
export const portFactories = [ssmCommandPorts, s3EvidencePorts, eksClusterPorts];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Collect', runCollect, {
  portFactories,
  idempotency: idempotentRetries,
});
