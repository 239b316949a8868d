/**
 * Evidence bundles in S3, addressed by `s3://bucket/key` and checked against their sha256 on every
 * read, so a reference in the audit trail proves which bytes were classified.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseEvidenceDocument, type EvidenceBundle } from '../../core/evidence/bundle.js';
import type { EvidenceRef, EvidenceStore } from '../../core/ports.js';

/** A stored bundle does not hash to its reference, or the reference is not ours. */
export class EvidenceReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceReferenceError';
  }
}

/** Splits `s3://bucket/key`. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new EvidenceReferenceError(`${uri} is not an s3://bucket/key reference`);
  return { bucket: m[1]!, key: m[2]! };
}

/** EvidenceStore over one bucket (SSE-KMS is the bucket's default). */
export class S3EvidenceStore implements EvidenceStore {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  /** Stores the bundle as JSON; the reference carries its sha256 and size. */
  async put(key: string, bundle: EvidenceBundle): Promise<EvidenceRef> {
    const body = JSON.stringify(bundle);
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', Metadata: { sha256 } }));
    return { uri: `s3://${this.bucket}/${key}`, sha256, bytes: Buffer.byteLength(body) };
  }

  /** Reads a bundle back; with a full reference, its sha256 must match. */
  async get(ref: EvidenceRef | string): Promise<EvidenceBundle> {
    const uri = typeof ref === 'string' ? ref : ref.uri;
    const { bucket, key } = parseS3Uri(uri);
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = (await out.Body?.transformToString('utf-8')) ?? '';
    if (typeof ref !== 'string') {
      const sha = createHash('sha256').update(body, 'utf8').digest('hex');
      if (sha !== ref.sha256) throw new EvidenceReferenceError(`evidence ${uri} hashes to ${sha}, the record says ${ref.sha256}: it was changed after collection`);
    }
    return parseEvidenceDocument(JSON.parse(body)).bundle;
  }
}
