/**
 * The S3 client behind results kept by reference, loaded with `import()` by aws-ports.ts. A module
 * of its own (not `import('@aws-sdk/client-s3')`) so the chunk holds only what it uses: a
 * namespace import keeps every command of the client.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3StateDocuments } from '../../adapters/s3/s3-state-documents.js';
import type { StateDocumentStore } from '../../core/workflow/ports.js';

/** Results kept by reference in `bucket`. */
export function s3StateDocumentStore(bucket: string): StateDocumentStore {
  return new S3StateDocuments(new S3Client({}), bucket);
}
