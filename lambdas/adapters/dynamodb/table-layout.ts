/**
 * Key schema and index names of the DynamoDB tables, shared by the adapters and the CDK stack so
 * the two cannot drift apart.
 */

/** The audit table: one partition (`chain`), sorted by `seq`, plus query indexes. */
export const AUDIT_TABLE = {
  partitionKey: 'chain',
  sortKey: 'seq',
  /** The one chain's partition value. */
  chainId: 'audit',
  indexes: {
    byExecution: { name: 'by-execution', partitionKey: 'executionId', sortKey: 'seq', sortType: 'N' },
    byTarget: { name: 'by-target', partitionKey: 'target', sortKey: 'at', sortType: 'S' },
    byRunbook: { name: 'by-runbook', partitionKey: 'runbookId', sortKey: 'at', sortType: 'S' },
    byOutcome: { name: 'by-outcome', partitionKey: 'outcome', sortKey: 'at', sortType: 'S' },
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
