/**
 * The `evidence` port for Plan, which reads the triage evidence only for a runbook that declares
 * preconditions (steps/plan.ts), in the same invocations that load the precondition chunk. The
 * store and the evidence parser load on the first read, so Plan's cold start for the other
 * runbooks does not load them. Collect, Classify and Verify read or write evidence on
 * every invocation and wire s3-ports.ts directly.
 */
import type { EvidenceStore } from '../../core/ports.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { lazyPort } from './lazy-port.js';

/** Evidence store over S3, loaded on the first call. */
export const lazyS3EvidencePorts: PortFactory = {
  provides: ['evidence'],
  create: (env) => {
    // Read now, so a missing variable fails the port wiring as the eager factory does.
    requiredEnvironment(env, ENV.evidenceBucket);
    return {
      evidence: lazyPort<EvidenceStore>(
        async () => (await import('./s3-ports.js')).s3EvidencePorts.create(env).evidence!,
      ),
    };
  },
};
