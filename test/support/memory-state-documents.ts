/** An in-memory StateDocumentStore (what S3 or the local files hold), keyed like the adapters. */
import { createHash } from 'node:crypto';
import type { EvidenceRef, StateDocumentStore } from '../../lambdas/core/workflow/ports.js';

/** A store whose documents a test can count and read. */
export function memoryDocuments(): StateDocumentStore & { docs: Map<string, string> } {
  const docs = new Map<string, string>();
  return {
    docs,
    async put(prefix, value) {
      const text = JSON.stringify(value);
      const sha256 = createHash('sha256').update(text).digest('hex');
      docs.set(`${prefix}/${sha256}`, text);
      return { uri: `mem://${prefix}/${sha256}`, sha256, bytes: text.length };
    },
    async putAt(key, value) {
      const text = JSON.stringify(value);
      const sha256 = createHash('sha256').update(text).digest('hex');
      docs.set(key, text);
      return { uri: `mem://${key}`, sha256, bytes: text.length };
    },
    async get(ref: EvidenceRef) {
      return JSON.parse(docs.get(ref.uri.slice('mem://'.length))!);
    },
  };
}
