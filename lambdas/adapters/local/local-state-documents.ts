/** Step results too large for the execution state, as JSON files under `<dataDir>/state-documents/`. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EvidenceRef, StateDocumentStore } from '../../core/workflow/ports.js';
import { sha256Hex } from './data-dir.js';
import { EvidenceIntegrityError } from './local-evidence-store.js';

/** StateDocumentStore over a data directory; references are `file://` URIs checked against their sha256. */
export class LocalStateDocuments implements StateDocumentStore {
  /** The directory the files live in. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'state-documents');
  }

  /** Stores `value` under `<prefix>/<sha256>.json` (the prefix's unsafe characters become `_`). */
  async put(prefix: string, value: unknown): Promise<EvidenceRef> {
    const text = JSON.stringify(value);
    return this.write(`${prefix}/${sha256Hex(text)}.json`, text);
  }

  /** Stores `value` at `key` (its unsafe characters become `_`), replacing what is there. */
  async putAt(key: string, value: unknown): Promise<EvidenceRef> {
    return this.write(key, JSON.stringify(value));
  }

  /** Writes `text` to the file of `key` atomically (a reader never sees half a document). */
  private async write(key: string, text: string): Promise<EvidenceRef> {
    const file = join(
      this.root,
      ...key.split('/').map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')),
    );
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

  /** Reads a stored result back; it must lie in the store and match its sha256. */
  async get(ref: EvidenceRef): Promise<unknown> {
    const file = fileURLToPath(ref.uri);
    const rel = relative(this.root, file);
    if (rel.startsWith('..') || rel.startsWith(sep))
      throw new EvidenceIntegrityError(
        `state document ${ref.uri} is outside the store ${this.root}`,
      );
    const bytes = await readFile(file);
    if (sha256Hex(bytes) !== ref.sha256)
      throw new EvidenceIntegrityError(
        `state document ${ref.uri} does not match its recorded sha256 ${ref.sha256}: it was modified after it was stored`,
      );
    return JSON.parse(bytes.toString('utf8'));
  }
}
