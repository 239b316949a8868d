import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEvidenceDocument, type EvidenceBundle } from '../../core/evidence/bundle.js';
import type { EvidenceRef, EvidenceStore } from '../../core/ports.js';
import { sha256Hex } from './data-dir.js';

/** A stored evidence file no longer hashes to its reference, or lies outside the store. */
export class EvidenceIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceIntegrityError';
  }
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*(\/[A-Za-z0-9][A-Za-z0-9._:-]*)*$/;

/**
 * Evidence bundles as JSON files under `<dataDir>/evidence/`, referenced by `file://` URI and sha256.
 * @example const ref = await new LocalEvidenceStore('.paramedic').put('exec-1/initial', bundle)
 */
export class LocalEvidenceStore implements EvidenceStore {
  /** The directory the files live in. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'evidence');
  }

  /** Stores a bundle under a key (`a/b-c`); rewriting the same key replaces it. */
  async put(key: string, bundle: EvidenceBundle): Promise<EvidenceRef> {
    if (!KEY_PATTERN.test(key) || key.includes('..')) {
      throw new EvidenceIntegrityError(
        `evidence key ${JSON.stringify(key)} is invalid: use letters, digits, . _ : - and / between parts`,
      );
    }
    const file = join(this.root, key.endsWith('.json') ? key : `${key}.json`);
    const text = `${JSON.stringify(bundle, null, 1)}\n`;
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
    return {
      uri: pathToFileURL(file).href,
      sha256: sha256Hex(text),
      bytes: Buffer.byteLength(text),
    };
  }

  /** Reads a bundle by reference (hash checked) or by `file://` URI or key (not checked). */
  async get(ref: EvidenceRef | string): Promise<EvidenceBundle> {
    const uri = typeof ref === 'string' ? ref : ref.uri;
    const file = uri.startsWith('file://')
      ? fileURLToPath(uri)
      : join(this.root, uri.endsWith('.json') ? uri : `${uri}.json`);
    const rel = relative(this.root, file);
    if (rel.startsWith('..') || rel.startsWith(sep) || resolve(this.root, rel) !== file) {
      throw new EvidenceIntegrityError(
        `evidence ${uri} is outside the store ${this.root}; pass a reference this store returned`,
      );
    }
    const bytes = await readFile(file);
    if (typeof ref !== 'string' && sha256Hex(bytes) !== ref.sha256) {
      throw new EvidenceIntegrityError(
        `evidence ${uri} does not match its recorded sha256 ${ref.sha256}: the file was modified after it was stored`,
      );
    }
    return parseEvidenceDocument(JSON.parse(bytes.toString('utf8'))).bundle;
  }
}
