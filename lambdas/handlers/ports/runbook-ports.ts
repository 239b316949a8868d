/** The `rulebook` port: the runbooks shipped beside the bundle (YAML, validated and compiled at cold start). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulebook } from '../../adapters/local/runbook-directory.js';
import type { PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';

/** Runbooks from {@link ENV.runbookDir}, else `runbooks/` beside the bundle (cdk/constructs/house-function.ts copies them). */
export const runbookPorts: PortFactory = {
  provides: ['rulebook'],
  create: (env) => ({ rulebook: loadRulebook(env[ENV.runbookDir] ?? join(dirname(fileURLToPath(import.meta.url)), 'runbooks')) }),
};
