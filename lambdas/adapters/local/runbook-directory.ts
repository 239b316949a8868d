import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { findRepoRoot } from './repo-root.js';
import { compileRunbooks, type CompiledRulebook } from '../../core/classify/compile.js';
import type { Runbook } from '../../core/runbook/model.js';
import { type RunbookFile, validatedRunbooks } from './validated-runbook-cache.js';
import {
  loadRunbooksFromTexts,
  RunbookError,
  type RunbookLoadResult,
} from '../../core/runbook/validate.js';

/** The repository root (sources: three levels above this file; compiled command: found by walking up). */
export const REPO_ROOT = findRepoRoot(
  import.meta.url,
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
);
/** Where the shipped runbooks live. */
export const DEFAULT_RUNBOOK_DIR = join(REPO_ROOT, 'runbooks');
/** The failure classes (one runbook each), kept in the repository beside the evidence format. */
export const FAILURE_CLASSES_FILE = join(REPO_ROOT, 'docs', 'failure-classes.yaml');

/** Failure-class ids from docs/failure-classes.yaml, or undefined when the file is absent (a Lambda bundle). */
export function readFailureClassIds(file = FAILURE_CLASSES_FILE): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parseYaml(readFileSync(file, 'utf8')) as { classes?: { id: string }[] };
  return (doc.classes ?? []).map((c) => c.id);
}

/** Reads and validates every `<id>.yaml` in a directory (both passes). */
export function loadRunbookDirectory(
  dir = DEFAULT_RUNBOOK_DIR,
  classIds?: readonly string[],
): RunbookLoadResult {
  if (!existsSync(dir)) {
    return {
      runbooks: [],
      errors: [new RunbookError('*', '', `runbook directory ${dir} does not exist`)],
      warnings: [],
    };
  }
  return loadRunbooksFromTexts(runbookFiles(dir), classIds);
}

/** Every `<id>.yaml` of a directory (not `_`-prefixed ones), in name order, with its text. */
function runbookFiles(dir: string): RunbookFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .sort()
    .map((f) => ({ id: f.slice(0, -'.yaml'.length), text: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Loads, validates and compiles the runbooks, failing loudly on any error: a pipeline must
 * never classify with a half-loaded library.
 */
export function loadRulebook(dir = DEFAULT_RUNBOOK_DIR): CompiledRulebook {
  if (!existsSync(dir)) return compileRunbooks(validRunbooks(loadRunbookDirectory(dir)));
  const files = runbookFiles(dir);
  return compileRunbooks(
    validatedRunbooks(files, () => validRunbooks(loadRunbooksFromTexts(files)), RUNBOOK_CACHE_DIR),
  );
}

/** Where the compiled command caches validated runbooks (validated-runbook-cache.ts). */
const RUNBOOK_CACHE_DIR = join(REPO_ROOT, 'dist', 'runbook-cache');

/** The runbooks of a load, or the error that lists every problem in it. */
function validRunbooks(result: RunbookLoadResult): readonly Runbook[] {
  if (result.errors.length > 0) {
    throw new Error(
      `${result.errors.length} runbook error(s); run "npx paramedic runbooks lint":\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
  }
  return result.runbooks;
}
