/**
 * A trail of many hash chains, one per execution, so concurrent executions never contend for
 * the next place of one chain. Each chain is checked link by link and against its own head anchor
 * (a cut tail or a rewritten chain); a count of every append, kept apart, shows a chain that was
 * removed whole together with its anchor. Pure: storage and hashing are the caller's.
 */
import { verifyChain, type AuditEntry, type ChainReport, type Sha256 } from './audit-entry.js';
import { checkChainHead, type ChainHead } from './chain-head.js';

/** Everything a store holds about its chains, as read back for `verify`. */
export interface ExecutionChains {
  /** Each chain's entries (any order), by chain id. */
  readonly chains: ReadonlyMap<string, readonly AuditEntry[]>;
  /** Each chain's head anchor, by chain id. */
  readonly heads: ReadonlyMap<string, ChainHead>;
  /** How many appends the trail counted (absent: no count kept yet). */
  readonly counted?: number;
}

const first = (entries: readonly AuditEntry[]): string =>
  // biome-ignore lint/complexity/useMathMinMax: ISO timestamps compare as strings; Math.min would make them NaN
  entries.reduce((min, e) => (e.at < min ? e.at : min), entries[0]?.at ?? '');

/**
 * Verifies every chain and the count. Chains are checked oldest first, so the first break reported
 * is the earliest. The count may trail the entries by appends that stopped before counting; it
 * may never exceed them.
 * @example verifyExecutionChains({ chains, heads, counted: 12 }, sha256Hex)
 */
export function verifyExecutionChains(trail: ExecutionChains, sha256: Sha256): ChainReport {
  const total = [...trail.chains.values()].reduce((n, c) => n + c.length, 0);
  const ordered = [...trail.chains.entries()].sort(([, a], [, b]) =>
    first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0,
  );
  for (const [id, unsorted] of ordered) {
    const entries = [...unsorted].sort((a, b) => a.seq - b.seq);
    const report = checkChainHead(verifyChain(entries, sha256), entries, trail.heads.get(id));
    if (!report.ok)
      return {
        ok: false,
        entries: total,
        firstBroken: {
          ...report.firstBroken!,
          executionId:
            report.firstBroken!.executionId === '?'
              ? (entries[0]?.executionId ?? id)
              : report.firstBroken!.executionId,
        },
      };
  }
  for (const [id, head] of trail.heads) {
    if (!trail.chains.has(id) && head.seq > 0)
      return {
        ok: false,
        entries: total,
        firstBroken: {
          seq: 1,
          executionId: id,
          reason: `chain ${id} has a head anchor at seq ${head.seq} but no entries: the chain was removed`,
        },
      };
  }
  if (trail.counted !== undefined && trail.counted > total) {
    return {
      ok: false,
      entries: total,
      firstBroken: {
        seq: 1,
        executionId: '?',
        reason: `the trail counted ${trail.counted} appends but holds ${total} entries: whole chains were removed with their anchors`,
      },
    };
  }
  if (trail.counted === undefined && total > 0) {
    return {
      ok: false,
      entries: total,
      firstBroken: {
        seq: 1,
        executionId: '?',
        reason: 'the trail has no append count: it was replaced or its count deleted',
      },
    };
  }
  return { ok: true, entries: total };
}
