/**
 * The compiled command's cache of validated runbooks. Parsing and validating 25 YAML runbooks costs
 * about a third of a `paramedic classify` (YAML parser, schema); their validated form is cached as
 * the JSON the Lambdas ship (runbook-json.ts), keyed by the build and by every runbook's name and
 * text, so an edited runbook or a rebuilt command is validated afresh and an invalid runbook is never
 * served from the cache. Only the compiled command caches (cli/build.mjs stamps PARAMEDIC_BUILD_ID);
 * from sources (tests, tsx) every load validates. The cache lives in dist/, beside the build.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runbook } from '../../core/runbook/model.js';
import { runbooksFromJson, runbooksToJson } from '../../core/runbook/runbook-json.js';

/** One runbook file as read: its id (file name) and text. */
export interface RunbookFile {
  readonly id: string;
  readonly text: string;
}

/**
 * The validated runbooks of `files`: from the cache when this build validated the same texts
 * before, else from `validate` (which throws on any error), then cached for the next start.
 * Cache trouble (unwritable dist/, a damaged entry) only costs the validation, never an answer.
 */
export function validatedRunbooks(
  files: readonly RunbookFile[],
  validate: () => readonly Runbook[],
  cacheDir: string,
  buildId = process.env.PARAMEDIC_BUILD_ID,
): readonly Runbook[] {
  if (!buildId) return validate();
  const hash = createHash('sha256').update(buildId);
  for (const f of files) hash.update(`\0${f.id}\0${f.text}`);
  const file = join(cacheDir, `${hash.digest('hex')}.json`);
  try {
    return runbooksFromJson(readFileSync(file, 'utf8'), file);
  } catch {
    // Not cached yet (or unreadable): validate, as without a cache.
  }
  const runbooks = validate();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, runbooksToJson(runbooks));
    renameSync(partial, file); // atomic: a concurrent start reads the whole entry or none
  } catch {
    // A read-only checkout: every start validates.
  }
  return runbooks;
}
