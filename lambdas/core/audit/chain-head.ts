/**
 * The head anchor of the audit chain: the latest seq and hash, kept apart from the entries (a
 * separate file locally, a separate item in DynamoDB) and moved forward under the same lock or
 * condition as each append. The chain alone proves that no entry was edited, inserted or
 * reordered; only the anchor shows that entries were cut from the end, or that the whole trail
 * was replaced by another valid chain.
 */
import type { AuditEntry, ChainReport } from './audit-entry.js';

/** Where the chain ended at the last append. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The anchor for a chain whose last entry is `last`. */
export function headOf(last: Pick<AuditEntry, 'seq' | 'hash'>): ChainHead {
  return { seq: last.seq, hash: last.hash };
}

/**
 * Checks a chain (already verified link by link) against its anchor. The anchor may lag by the
 * entries of an append that stopped between writing the entry and moving the anchor; it may
 * never point past the end, or at an entry with another hash.
 * @example checkChainHead(verifyChain(entries, sha256), entries, head)
 */
export function checkChainHead(
  report: ChainReport,
  entries: readonly Pick<AuditEntry, 'seq' | 'hash' | 'executionId'>[],
  head: ChainHead | undefined,
): ChainReport {
  if (!report.ok) return report;
  if (head === undefined) {
    if (entries.length === 0) return report;
    return {
      ok: false,
      entries: entries.length,
      firstBroken: {
        seq: 1,
        executionId: entries[0]!.executionId,
        reason: 'the chain has no head anchor: the trail was replaced or its anchor deleted',
      },
    };
  }
  if (head.seq > entries.length) {
    return {
      ok: false,
      entries: entries.length,
      firstBroken: {
        seq: entries.length + 1,
        executionId: '?',
        reason: `the trail ends at seq ${entries.length} but its head anchor says ${head.seq}: records were removed from the end`,
      },
    };
  }
  if (head.seq === 0) return report;
  const anchored = entries[head.seq - 1]!;
  if (anchored.hash !== head.hash) {
    return {
      ok: false,
      entries: entries.length,
      firstBroken: {
        seq: head.seq,
        executionId: anchored.executionId,
        reason: 'the hash differs from the head anchor: the trail was rewritten',
      },
    };
  }
  return report;
}
