/**
 * The runbooks as the bundle carries them (compiled to JSON at synth and validated then; see
 * lambdas/core/runbook/runbook-json.ts), read without compiling their patterns: the catalogue for
 * steps that only look a runbook up by id. Apart from runbook-ports.ts, so a function that wires
 * only the catalogue has no static path to the classifier and its regex engine (~180 KiB bundled).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunbookJsonFile } from '../../adapters/local/runbook-json-file.js';
import type { CompiledRulebook } from '../../core/classify/compile.js';
import type { Runbook } from '../../core/runbook/model.js';
import { RUNBOOK_JSON_FILE } from '../../core/runbook/runbook-json.js';
import type { PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';

/** {@link ENV.runbooksJson}, else `runbooks.json` beside the bundle (cdk/constructs/house-function.ts writes it). */
export function runbooksOf(env: NodeJS.ProcessEnv): Runbook[] {
  return readRunbookJsonFile(
    env[ENV.runbooksJson] ?? join(dirname(fileURLToPath(import.meta.url)), RUNBOOK_JSON_FILE),
  );
}

/** A step that only looks runbooks up by id used the compiled patterns: wire runbookPorts instead. */
export class RunbookPatternsNotWiredError extends Error {
  constructor(field: string) {
    super(
      `the rulebook's ${String(field)} are not compiled in this function (it wires runbookCatalogPorts); a step that classifies needs runbookPorts in its handler file`,
    );
    this.name = 'RunbookPatternsNotWiredError';
  }
}

/**
 * The runbooks without compiled patterns, for steps that only look a runbook up by id (Intake, Plan):
 * their bundles then carry no regex engine. Reading a compiled field throws {@link RunbookPatternsNotWiredError}.
 */
export const runbookCatalogPorts: PortFactory = {
  provides: ['rulebook'],
  create: (env) => {
    const catalogue = { runbooks: runbooksOf(env) };
    const rulebook = new Proxy(catalogue, {
      get: (target, key) => {
        if (key === 'runbooks' || key === 'then' || typeof key === 'symbol')
          return (target as Record<PropertyKey, unknown>)[key];
        throw new RunbookPatternsNotWiredError(key);
      },
    });
    return { rulebook: rulebook as unknown as CompiledRulebook };
  },
};
