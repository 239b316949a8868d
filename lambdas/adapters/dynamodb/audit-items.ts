/**
 * How audit entries are stored as DynamoDB items, shared by the per-execution store and the
 * single-chain layout it still reads: `data` as JSON text (so hashes survive DynamoDB's number and
 * map conversion), optional fields only when set, and a paged query.
 */
import { createHash } from 'node:crypto';
import {
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditFilter } from '../../core/audit/audit-entry.js';
import { AUDIT_TABLE } from './table-layout.js';

/** sha256 hex of a UTF-8 string. */
export const sha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/** The chain could not be appended to after several concurrent-writer retries. */
export class AuditAppendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditAppendError';
  }
}

/** A raw item. */
export type Item = Record<string, unknown>;

/** The item of an entry, under the given key attributes. */
export function toItem(e: AuditEntry, key: Item): Item {
  return {
    ...key,
    seq: e.seq,
    executionId: e.executionId,
    type: e.type,
    at: e.at,
    actor: e.actor,
    ...(e.target !== undefined ? { target: e.target } : {}),
    ...(e.runbookId !== undefined ? { runbookId: e.runbookId } : {}),
    ...(e.outcome !== undefined ? { outcome: e.outcome } : {}),
    // Stored as JSON text: the hash covers exactly these bytes' meaning, untouched by DynamoDB's number/map conversion.
    data: JSON.stringify(e.data),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** The entry an item holds; its type follows `type`, and the chain's hash (checked by verify) vouches for the stored text. */
export function fromItem(item: Item): AuditEntry {
  return {
    executionId: item.executionId as string,
    type: item.type as AuditEntry['type'],
    at: item.at as string,
    actor: item.actor as string,
    ...(item.target !== undefined ? { target: item.target as string } : {}),
    ...(item.runbookId !== undefined ? { runbookId: item.runbookId as string } : {}),
    ...(item.outcome !== undefined ? { outcome: item.outcome as AuditEntry['outcome'] } : {}),
    data: JSON.parse(item.data as string),
    seq: Number(item.seq),
    prevHash: item.prevHash as string,
    hash: item.hash as string,
  } as AuditEntry;
}

/** Every page of a query, up to about `limit` items. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit = Infinity,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

/** Newest first (time, then place in its chain), at most `limit`. */
export function newestFirst(entries: readonly AuditEntry[], limit: number): AuditEntry[] {
  return [...entries]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.seq - a.seq))
    .slice(0, limit);
}

/** Retries with jittered backoff: what both layouts do when another writer took the place. */
export const jitterSleep = (ms: number): Promise<void> =>
  new Promise<void>((r) => setTimeout(r, ms));

/** An index and the partition value that holds every entry of one layout (newest first by `at`). */
export type TimeIndex = readonly [
  typeof AUDIT_TABLE.indexes.byTrail | typeof AUDIT_TABLE.indexes.byTime,
  string,
];

/**
 * `audit list`: through the index that fits the filter best (target, runbook, outcome: shared by
 * both layouts), else `unfiltered`; other criteria filter in the query. Newest first.
 */
export async function listEntries(
  client: DynamoDBDocumentClient,
  tableName: string,
  filter: AuditFilter,
  unfiltered: TimeIndex,
): Promise<AuditEntry[]> {
  const { indexes } = AUDIT_TABLE;
  const [idx, value] =
    filter.target !== undefined
      ? [indexes.byTarget, filter.target]
      : filter.runbookId !== undefined
        ? [indexes.byRunbook, filter.runbookId]
        : filter.outcome !== undefined
          ? [indexes.byOutcome, filter.outcome]
          : unfiltered;
  const names: Record<string, string> = { '#k': idx.partitionKey };
  const values: Record<string, unknown> = { ':k': value };
  let keyCondition = '#k = :k';
  if (filter.since) {
    names['#at'] = 'at';
    values[':since'] = filter.since;
    keyCondition += ' AND #at >= :since';
  }
  const filters: string[] = [];
  for (const field of ['target', 'runbookId', 'outcome'] as const) {
    if (filter[field] === undefined || idx.partitionKey === field) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = filter[field];
    filters.push(`#${field} = :${field}`);
  }
  const limit = filter.limit ?? 100;
  const items = await queryAll(
    client,
    {
      TableName: tableName,
      IndexName: idx.name,
      KeyConditionExpression: keyCondition,
      ScanIndexForward: false,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    },
    limit,
  );
  return newestFirst(items.map(fromItem), limit);
}

/** True when the filter leaves only the time index (no target, runbook or outcome). */
export const isUnfiltered = (filter: AuditFilter): boolean =>
  filter.target === undefined && filter.runbookId === undefined && filter.outcome === undefined;
