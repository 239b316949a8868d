/** The `evidence` port: evidence bundles in the evidence bucket. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3EvidenceStore } from '../../adapters/s3/s3-evidence-store.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';

/** Evidence store over S3. */
export const s3EvidencePorts: PortFactory = {
  provides: ['evidence'],
  create: (env) => ({ evidence: new S3EvidenceStore(new S3Client({}), requiredEnvironment(env, ENV.evidenceBucket)) }),
};
