import { openSync, readSync, closeSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join } from 'node:path';
import {
  parseEvidenceDocument,
  type EvidenceBundle,
  type LabelledCase,
} from '../../core/evidence/bundle.js';

/** Largest evidence file read by default (a 100 MB bundle fits, with room). */
export const DEFAULT_MAX_EVIDENCE_BYTES = 256 * 1024 * 1024;

/** Why a file is not usable evidence, in words an operator can act on. */
export class EvidenceFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'EvidenceFileError';
  }
}

/** Expands arguments to evidence files: files as given, directories to their `*.json` (recursively, sorted). */
export function expandEvidencePaths(paths: readonly string[]): {
  files: string[];
  errors: EvidenceFileError[];
} {
  const files: string[] = [];
  const errors: EvidenceFileError[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (extname(name) === '.json') files.push(full);
    }
  };
  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch {
      errors.push(new EvidenceFileError(p, 'no such file or directory'));
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, errors };
}

/**
 * Reads one evidence file (bundle or labelled case), rejecting binary, oversized, non-JSON and
 * wrongly shaped input with a one-line reason.
 * @throws EvidenceFileError
 */
export function readEvidenceFile(
  file: string,
  maxBytes = DEFAULT_MAX_EVIDENCE_BYTES,
): { bundle: EvidenceBundle; labelled?: LabelledCase } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new EvidenceFileError(file, 'no such file');
  }
  if (size > maxBytes)
    throw new EvidenceFileError(
      file,
      `too large (${(size / 1048576).toFixed(1)} MiB > ${(maxBytes / 1048576).toFixed(0)} MiB); raise --max-bytes or collect with tighter bounds`,
    );
  if (size === 0)
    throw new EvidenceFileError(file, 'empty file; expected an evidence bundle (JSON)');
  const buffer = Buffer.allocUnsafe(size);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  if (buffer.indexOf(0) !== -1)
    throw new EvidenceFileError(
      file,
      'binary data (NUL bytes); expected an evidence bundle in JSON',
    );
  let doc: unknown;
  try {
    doc = JSON.parse(buffer.toString('utf8'));
  } catch (error) {
    throw new EvidenceFileError(
      file,
      `not JSON (${(error as Error).message}); expected an evidence bundle, see docs/evidence-bundle.md`,
    );
  }
  try {
    return parseEvidenceDocument(doc, basename(file, '.json'));
  } catch (error) {
    throw new EvidenceFileError(file, `not an evidence bundle: ${(error as Error).message}`);
  }
}
