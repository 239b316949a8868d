/**
 * The `rulebook` port: the runbooks compiled to JSON beside the bundle (validated when the function
 * was bundled; see lambdas/core/runbook/runbook-json.ts). No YAML is parsed at cold start.
 * Steps that only look a runbook up by id wire runbook-catalog-ports.ts instead.
 */
import { compileRunbooks } from '../../core/classify/compile.js';
import type { PortFactory } from '../aws-ports.js';
import { runbooksOf } from './runbook-catalog-ports.js';

/** The runbooks with their patterns compiled (regex engine, literal scanner): for steps that classify. */
export const runbookPorts: PortFactory = {
  provides: ['rulebook'],
  create: (env) => ({ rulebook: compileRunbooks(runbooksOf(env)) }),
};
