/** An in-memory StateStore (what DynamoDB or the local files hold), whose items a test can read. */
import type { StateStore } from '../../lambdas/core/workflow/ports.js';

/** A store with putIfAbsent's conditional-write semantics. */
export function memoryState(): StateStore & { items: Map<string, Record<string, unknown>> } {
  const items = new Map<string, Record<string, unknown>>();
  return {
    items,
    putIfAbsent: async (k, v) => {
      if (items.has(k)) return false;
      items.set(k, v);
      return true;
    },
    get: async (k) => items.get(k),
    put: async (k, v) => {
      items.set(k, v);
    },
  };
}
