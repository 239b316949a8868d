import type { ShownPolicy } from './policy-dns-judgement.js';

/** Says, per policy shown in a section, whether its pods' DNS lookups are blocked (policy-dns-judgement.ts). */
export type DnsJudgement = (text: string, shown: readonly ShownPolicy[]) => boolean[];

let judgement: DnsJudgement | null = null;

/**
 * Loads the DNS judgement: a YAML parser (~95 KiB) and the NetworkPolicy evaluator, a chunk of
 * their own in the Lambda bundles. Call it before classifying evidence that may show egress
 * policies ({@link mayShowEgressPolicies}): fact extractors are synchronous, and without it every
 * policy counts as unread, so DNS is never said to be blocked.
 */
export async function loadDnsJudgement(): Promise<void> {
  judgement ??= (await import('./policy-dns-judgement.js')).judgeDnsBlocked;
}

/** The loaded judgement, or null when {@link loadDnsJudgement} has not run. */
export function dnsJudgement(): DnsJudgement | null {
  return judgement;
}

/** Cheap test on a section: only text that says "egress" can show an egress-isolating policy. */
export function mayShowEgressPolicies(text: string): boolean {
  return /egress/i.test(text);
}
