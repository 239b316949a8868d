/** Reads the compiled runbooks (`runbooks.json`) from a file; imports no YAML parser (Lambda bundles use it). */
import { readFileSync } from 'node:fs';
import type { Runbook } from '../../core/runbook/model.js';
import { RunbookJsonError, runbooksFromJson } from '../../core/runbook/runbook-json.js';

/** The runbooks of a `runbooks.json`; a missing file is a {@link RunbookJsonError} naming the path. */
export function readRunbookJsonFile(file: string): Runbook[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunbookJsonError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return runbooksFromJson(text, file);
}
