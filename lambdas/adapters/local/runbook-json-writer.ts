/**
 * Compiles `runbooks/*.yaml` into the `runbooks.json` the Lambdas load (cdk/constructs/house-function.ts
 * runs it when it bundles a function that ships runbooks; tests run it for the handler harness).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNBOOK_JSON_FILE, runbooksToJson } from '../../core/runbook/runbook-json.js';
import {
  DEFAULT_RUNBOOK_DIR,
  loadRunbookDirectory,
  readFailureClassIds,
} from './runbook-directory.js';

/**
 * Validates the runbooks of `dir` (both passes, against docs/failure-classes.yaml when present) and
 * writes them as JSON into a fresh temporary directory; returns the file. Any error fails with every
 * problem listed, so a broken runbook fails the synth, not the first alarm.
 */
export function writeRunbookJson(dir = DEFAULT_RUNBOOK_DIR): string {
  const result = loadRunbookDirectory(dir, readFailureClassIds());
  if (result.errors.length > 0) {
    throw new Error(
      `${result.errors.length} runbook error(s) in ${dir}; run "npx paramedic runbooks lint":\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
  }
  const file = join(mkdtempSync(join(tmpdir(), 'paramedic-runbooks-')), RUNBOOK_JSON_FILE);
  writeFileSync(file, runbooksToJson(result.runbooks));
  return file;
}
