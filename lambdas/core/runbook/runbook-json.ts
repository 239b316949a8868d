/**
 * The runbooks as the Lambdas load them: one JSON document compiled from `runbooks/*.yaml` when the
 * functions are bundled (validated then, both passes, against the failure classes), so a function
 * parses JSON at cold start instead of YAML and bundles neither the YAML parser nor the schema.
 */
import type { Runbook } from './model.js';

/** The format tag; bumped when the runbook model changes incompatibly. */
export const RUNBOOK_JSON_FORMAT = 'paramedic.runbooks/v1';
/** The file name beside each bundle that ships runbooks. */
export const RUNBOOK_JSON_FILE = 'runbooks.json';

/** The compiled runbooks are not the document the bundling step writes. */
export class RunbookJsonError extends Error {
  constructor(source: string, problem: string) {
    super(
      `${source}: ${problem}; rebuild it from runbooks/*.yaml (cdk synth bundles it beside the function)`,
    );
    this.name = 'RunbookJsonError';
  }
}

/** Serialises validated runbooks (only validated ones: callers run both passes first). */
export function runbooksToJson(runbooks: readonly Runbook[]): string {
  return JSON.stringify({ format: RUNBOOK_JSON_FORMAT, runbooks });
}

/**
 * Reads what {@link runbooksToJson} wrote. It checks the envelope and that every entry names an id,
 * not the whole schema: the document was validated when it was written and ships inside the
 * function's own (hashed) asset.
 * @param source the file it came from, for the error message.
 */
export function runbooksFromJson(text: string, source: string): Runbook[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new RunbookJsonError(source, `not JSON (${(error as Error).message})`);
  }
  const envelope = (typeof doc === 'object' && doc !== null ? doc : {}) as {
    format?: unknown;
    runbooks?: unknown;
  };
  if (envelope.format !== RUNBOOK_JSON_FORMAT)
    throw new RunbookJsonError(
      source,
      `format is ${JSON.stringify(envelope.format)}, expected ${RUNBOOK_JSON_FORMAT}`,
    );
  if (!Array.isArray(envelope.runbooks))
    throw new RunbookJsonError(source, 'runbooks is not a list');
  envelope.runbooks.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null || typeof (r as { id?: unknown }).id !== 'string')
      throw new RunbookJsonError(source, `runbooks[${i}] has no id`);
  });
  return envelope.runbooks as Runbook[];
}
