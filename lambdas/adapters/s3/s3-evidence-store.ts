/**
 * Evidence bundles in S3, addressed by `s3://bucket/key` and checked against their sha256 on every
 * read, so a reference in the audit trail proves which bytes were classified.
 */
import { parseEvidenceDocument, type EvidenceBundle } from '../../core/evidence/bundle.js';
import type { EvidenceRef, EvidenceStore } from '../../core/ports.js';
import type { S3Objects } from './s3-objects.js';
import { getJsonText, putJsonText } from './s3-json-objects.js';

export { EvidenceReferenceError, parseS3Uri } from './s3-json-objects.js';

/** EvidenceStore over one bucket (SSE-KMS is the bucket's default). */
export class S3EvidenceStore implements EvidenceStore {
  constructor(
    private readonly s3: S3Objects,
    private readonly bucket: string,
  ) {}

  /** Stores the bundle as JSON; the reference carries its sha256 and size. */
  async put(key: string, bundle: EvidenceBundle): Promise<EvidenceRef> {
    return putJsonText(this.s3, this.bucket, key, JSON.stringify(bundle));
  }

  /** Reads a bundle back; with a full reference, its sha256 must match. */
  async get(ref: EvidenceRef | string): Promise<EvidenceBundle> {
    return parseEvidenceDocument(JSON.parse(await getJsonText(this.s3, ref))).bundle;
  }
}
