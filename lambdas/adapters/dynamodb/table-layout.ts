/**
 * Key schema and index names of the DynamoDB tables, shared by the adapters and the CDK stack so
 * the two cannot drift apart.
 */

/**
 * The audit table: one hash chain per execution (partition `exec#<executionId>`, sorted by `seq`,
 * its head anchor at seq 0), an append count item, plus query indexes. Tables written before
 * per-execution chains hold one chain in partition `audit` (head `audit-head`); both are read.
 */
export const AUDIT_TABLE = {
  partitionKey: 'chain',
  sortKey: 'seq',
  /** The single chain's partition value in the layout before per-execution chains (read only). */
  chainId: 'audit',
  /** Partition value of an execution's chain: this prefix and the execution id. */
  executionChainPrefix: 'exec#',
  /** The item counting every append (`appended`), moved by an unconditional ADD: it never contends. */
  countKey: 'appends',
  /** The attribute and value that put every entry in the by-trail index (newest first across chains). */
  trailAttribute: 'trail',
  trailId: 'audit',
  indexes: {
    byTrail: { name: 'by-trail', partitionKey: 'trail', sortKey: 'at', sortType: 'S' },
    byExecution: {
      name: 'by-execution',
      partitionKey: 'executionId',
      sortKey: 'seq',
      sortType: 'N',
    },
    byTarget: { name: 'by-target', partitionKey: 'target', sortKey: 'at', sortType: 'S' },
    byRunbook: { name: 'by-runbook', partitionKey: 'runbookId', sortKey: 'at', sortType: 'S' },
    byOutcome: { name: 'by-outcome', partitionKey: 'outcome', sortKey: 'at', sortType: 'S' },
    /** The single-chain layout's time index (its entries have no `trail`). */
    byTime: { name: 'by-time', partitionKey: 'chain', sortKey: 'at', sortType: 'S' },
  },
} as const;

/** The state table: locks, de-duplication claims, cooldowns, failure counts, approvals. */
export const STATE_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds; the table's TTL attribute. Readers also treat expired items as absent. */
  ttlAttribute: 'expiresAt',
} as const;

/** The Powertools idempotency table. */
export const IDEMPOTENCY_TABLE = {
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;
