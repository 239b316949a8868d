/**
 * Manual runs: the console, the CLI (or `aws stepfunctions start-execution`) start the same
 * workflow with `{ "runbookId", "target", "mode": "dry-run" | "execute" }`. A replay of recorded
 * evidence is a manual input too: `{ "target", "replay": { "evidence": <ref> } }` (runbookId
 * optional: classification decides; always a dry run). Validated here with errors that say which
 * field is wrong and what would be right.
 */
import type { Platform } from '../evidence/bundle.js';
import type { ManualInput, ReplaySource } from './model.js';
import { parseTarget, TARGET_GRAMMAR, TargetGrammarError } from './targets.js';

/** The manual input is unusable; the message names the field and the accepted forms. */
export class ManualInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`manual run input, field "${field}": ${message}`);
    this.name = 'ManualInputError';
  }
}

const RUNBOOK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const INVOKER = /^[A-Za-z0-9@._:+=/-]{1,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const FIELDS = new Set(['runbookId', 'target', 'mode', 'invokedBy', 'platform', 'replay']);

/** True when the input has the manual shape (has runbookId, target, mode or replay, and no alarm detail). */
export function isManualInput(input: unknown): boolean {
  return (
    typeof input === 'object' &&
    input !== null &&
    !Array.isArray(input) &&
    ['runbookId', 'target', 'mode', 'replay'].some((k) => k in input)
  );
}

function parseReplay(value: unknown): ReplaySource {
  const r = (
    typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}
  ) as Record<string, unknown>;
  const ref = (typeof r.evidence === 'object' && r.evidence !== null ? r.evidence : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof ref.uri !== 'string' ||
    !/^(s3|file):\/\//.test(ref.uri) ||
    typeof ref.sha256 !== 'string' ||
    !SHA256.test(ref.sha256) ||
    typeof ref.bytes !== 'number'
  ) {
    throw new ManualInputError(
      'replay',
      'expected {"evidence":{"uri":"s3://… or file://…","sha256":"<64 hex>","bytes":<n>}}: a stored evidence bundle',
    );
  }
  if (r.origin !== undefined && typeof r.origin !== 'string')
    throw new ManualInputError('replay', 'origin, when given, is the name of the recorded file');
  return {
    evidence: { uri: ref.uri, sha256: ref.sha256, bytes: ref.bytes },
    ...(typeof r.origin === 'string' ? { origin: r.origin.slice(0, 300) } : {}),
  };
}

/**
 * Validates a manual start input.
 * @example parseManualInput({ runbookId: 'disk-full', target: 'i-0abc1234def567890', mode: 'dry-run' })
 * @throws ManualInputError naming the first wrong field.
 */
export function parseManualInput(input: unknown, knownRunbooks?: readonly string[]): ManualInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ManualInputError(
      '(input)',
      'expected a JSON object like {"runbookId":"disk-full","target":"i-0123456789abcdef0","mode":"dry-run"}',
    );
  }
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0)
    throw new ManualInputError(
      unknown[0]!,
      `unknown field; allowed fields are ${[...FIELDS].join(', ')}`,
    );
  const replay = o.replay === undefined ? undefined : parseReplay(o.replay);
  if (o.runbookId !== undefined || !replay) {
    if (typeof o.runbookId !== 'string' || !RUNBOOK_ID.test(o.runbookId)) {
      throw new ManualInputError(
        'runbookId',
        'required: a runbook id in kebab-case, e.g. "disk-full" (see `npx paramedic runbooks list`)',
      );
    }
    if (knownRunbooks && !knownRunbooks.includes(o.runbookId)) {
      throw new ManualInputError(
        'runbookId',
        `no runbook "${o.runbookId}"; known: ${knownRunbooks.slice(0, 30).join(', ')}`,
      );
    }
  }
  if (typeof o.target !== 'string' || o.target.length === 0)
    throw new ManualInputError('target', `required: one of ${TARGET_GRAMMAR}`);
  try {
    parseTarget(o.target);
  } catch (error) {
    if (!(error instanceof TargetGrammarError)) throw error;
    throw new ManualInputError(
      'target',
      `${JSON.stringify(o.target.slice(0, 80))} is not one of: ${TARGET_GRAMMAR}`,
    );
  }
  const mode = o.mode ?? 'dry-run';
  if (mode !== 'dry-run' && mode !== 'execute')
    throw new ManualInputError(
      'mode',
      `must be "dry-run" (the default, changes nothing) or "execute"; got ${JSON.stringify(mode).slice(0, 40)}`,
    );
  if (replay && mode !== 'dry-run')
    throw new ManualInputError(
      'mode',
      'a replay of recorded evidence is always "dry-run": it never changes a host',
    );
  if (
    o.invokedBy !== undefined &&
    (typeof o.invokedBy !== 'string' || !INVOKER.test(o.invokedBy))
  ) {
    throw new ManualInputError(
      'invokedBy',
      'optional: who started the run, 1-128 characters of letters, digits and @._:+=/-',
    );
  }
  if (o.platform !== undefined && o.platform !== 'docker' && o.platform !== 'eks')
    throw new ManualInputError('platform', 'optional: "docker" or "eks"');
  return {
    ...(typeof o.runbookId === 'string' ? { runbookId: o.runbookId } : {}),
    target: o.target,
    mode,
    invokedBy: (o.invokedBy as string | undefined) ?? 'console',
    ...(o.platform ? { platform: o.platform as Platform } : {}),
    ...(replay ? { replay } : {}),
  };
}
