/** Step results too large for the execution state, as JSON objects in the evidence bucket. */
import type { EvidenceRef, StateDocumentStore } from '../../core/workflow/ports.js';
import type { S3Objects } from './s3-objects.js';
import { getJsonText, putJsonText, sha256Of } from './s3-json-objects.js';

/**
 * StateDocumentStore over one bucket: `put` names the object `<prefix>/<sha256>.json`, so a retried
 * Task with the same result rewrites the same object; `putAt` writes the key it is given.
 */
export class S3StateDocuments implements StateDocumentStore {
  constructor(
    private readonly s3: S3Objects,
    private readonly bucket: string,
  ) {}

  /** Stores `value` as JSON under `prefix`, named by its sha256. */
  async put(prefix: string, value: unknown): Promise<EvidenceRef> {
    const body = JSON.stringify(value);
    return putJsonText(this.s3, this.bucket, `${prefix}/${sha256Of(body)}.json`, body);
  }

  /** Stores `value` as JSON at `key`, replacing what is there. */
  async putAt(key: string, value: unknown): Promise<EvidenceRef> {
    return putJsonText(this.s3, this.bucket, key, JSON.stringify(value));
  }

  /** Reads a stored result back (sha256 checked). */
  async get(ref: EvidenceRef): Promise<unknown> {
    return JSON.parse(await getJsonText(this.s3, ref, 'state document'));
  }
}
