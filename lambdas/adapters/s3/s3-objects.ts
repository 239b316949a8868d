/** What the S3 adapters need of S3: whole objects read and written as text. */

/** Settings of one object write. */
export interface PutObjectOptions {
  /** @default 'application/octet-stream' */
  readonly contentType?: string;
  /** User metadata (`x-amz-meta-<name>`): lower-case ASCII names and values. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Reads and writes whole objects (SSE-KMS, when used, is the bucket's default). */
export interface S3Objects {
  /** The object's body as UTF-8 text; undefined when the bucket has no such key (NoSuchKey). */
  getText(bucket: string, key: string): Promise<string | undefined>;
  /** Writes `body` (UTF-8) under `key`, replacing any object there. */
  putText(bucket: string, key: string, body: string, options?: PutObjectOptions): Promise<void>;
}
