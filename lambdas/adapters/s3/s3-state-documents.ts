/** Step results too large for the execution state, as JSON objects in the evidence bucket named by their sha256. */
import type { EvidenceRef, StateDocumentStore } from '../../core/workflow/ports.js';
import type { S3Objects } from './s3-objects.js';
import { getJsonText, putJsonText, sha256Of } from './s3-json-objects.js';

/** StateDocumentStore over one bucket: `<prefix>/<sha256>.json`, so a retried Task rewrites the same object. */
export class S3StateDocuments implements StateDocumentStore {
  constructor(
    private readonly s3: S3Objects,
    private readonly bucket: string,
  ) {}

  /** Stores `value` as JSON under `prefix`. */
  async put(prefix: string, value: unknown): Promise<EvidenceRef> {
    const body = JSON.stringify(value);
    return putJsonText(this.s3, this.bucket, `${prefix}/${sha256Of(body)}.json`, body);
  }

  /** Reads a stored result back (sha256 checked). */
  async get(ref: EvidenceRef): Promise<unknown> {
    return JSON.parse(await getJsonText(this.s3, ref, 'state document'));
  }
}
