/** The `evidence` port: evidence bundles in the evidence bucket. */
import { S3EvidenceStore } from '../../adapters/s3/s3-evidence-store.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { s3ObjectsFrom } from './s3-objects.js';

/** Evidence store over S3. */
export const s3EvidencePorts: PortFactory = {
  provides: ['evidence'],
  create: (env) => ({
    evidence: new S3EvidenceStore(s3ObjectsFrom(env), requiredEnvironment(env, ENV.evidenceBucket)),
  }),
};
