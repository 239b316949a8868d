/** JSON objects in S3 addressed by `s3://bucket/key` and checked against their sha256 on read. */
import { createHash } from 'node:crypto';
import type { EvidenceRef } from '../../core/ports.js';
import type { S3Objects } from './s3-objects.js';

/** A stored object does not hash to its reference, or the reference is not ours. */
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

/** sha256 of a UTF-8 string, hex. */
export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Writes `body` (JSON text) under `key`; the reference carries its sha256 and size. */
export async function putJsonText(
  s3: S3Objects,
  bucket: string,
  key: string,
  body: string,
): Promise<EvidenceRef> {
  const sha256 = sha256Of(body);
  await s3.putText(bucket, key, body, { contentType: 'application/json', metadata: { sha256 } });
  return { uri: `s3://${bucket}/${key}`, sha256, bytes: Buffer.byteLength(body) };
}

/** Reads an object's text back; with a full reference, its sha256 must match. */
export async function getJsonText(
  s3: S3Objects,
  ref: EvidenceRef | string,
  what = 'evidence',
): Promise<string> {
  const uri = typeof ref === 'string' ? ref : ref.uri;
  const { bucket, key } = parseS3Uri(uri);
  const body = await s3.getText(bucket, key);
  if (body === undefined)
    throw new EvidenceReferenceError(
      `${what} ${uri} does not exist: it was deleted, or the reference names a bucket or key this deployment did not write`,
    );
  if (typeof ref !== 'string') {
    const sha = sha256Of(body);
    if (sha !== ref.sha256)
      throw new EvidenceReferenceError(
        `${what} ${uri} hashes to ${sha}, the record says ${ref.sha256}: it was changed after it was stored`,
      );
  }
  return body;
}
