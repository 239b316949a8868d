import type { EvidenceBundle } from '../../evidence/bundle.js';
import { deferredReaders, loadDeferredReaders } from './deferred-readers.js';
import type { FactExtractor } from './fact.js';
import { policyIsolation } from './policy-isolation.js';
import { proxySetting } from './proxy-setting.js';

// The extractors whose facts the deferred readers read: netpol.isolation judges dnsBlocked with the
// policy evaluator, and proxy.routed joins proxy.setting facts. The engine parses a section only
// when the extractor's mayContain holds, so the same test says when the readers may be needed and
// the trigger cannot drift from the facts (a second regex missed `HTTPS Proxy:` of docker info and
// daemon.json's "https-proxy"). Kept apart from deferred-readers.ts, which policy-isolation.ts imports.
const READ_BY_DEFERRED_READERS: readonly FactExtractor[] = [policyIsolation, proxySetting];

/** Whether any section of the bundle may hold facts the deferred readers read: one regex test each. */
export function mayNeedDeferredReaders(bundle: EvidenceBundle): boolean {
  return Object.values(bundle.sections).some(
    (s) => s.output && READ_BY_DEFERRED_READERS.some((e) => e.mayContain(s.output)),
  );
}

/** Loads the deferred readers (deferred-readers.ts) when the bundle may need them. */
export async function loadDeferredReadersFor(bundle: EvidenceBundle): Promise<void> {
  if (deferredReaders() === null && mayNeedDeferredReaders(bundle)) await loadDeferredReaders();
}
