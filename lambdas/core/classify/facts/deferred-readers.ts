import type { Fact } from './fact.js';
import type { JoinInput } from './joins/fact-join.js';
import type { ShownPolicy } from './policy-dns-judgement.js';

/** Says, per policy shown in a section, whether its pods' DNS lookups are blocked (policy-dns-judgement.ts). */
export type DnsJudgement = (text: string, shown: readonly ShownPolicy[]) => boolean[];

/** The readers kept out of what a cold start loads: each needs a library few bundles show. */
export interface DeferredReaders {
  /** The NetworkPolicy DNS judgement: a YAML parser (~95 KiB) and the policy evaluator. */
  readonly judgeDnsBlocked: DnsJudgement;
  /** The proxy.routed join's reading: Go's NO_PROXY rules with an address library (~20 KiB). */
  readonly readProxyRouted: (input: JoinInput) => Fact[];
}

let readers: DeferredReaders | null = null;

/**
 * Loads the deferred readers, a chunk of their own in the Lambda bundles. Call it before
 * classifying evidence that may need them (or loadDeferredReadersFor, load-deferred-readers-for.ts):
 * fact extractors and joins are synchronous, and without the readers they read nothing in the safe direction (no
 * policy judged to block DNS, no request judged sent to a proxy), never a false finding.
 */
export async function loadDeferredReaders(): Promise<void> {
  readers ??= await import('./deferred-readers-chunk.js');
}

/** The loaded readers, or null when {@link loadDeferredReaders} has not run. */
export function deferredReaders(): DeferredReaders | null {
  return readers;
}
