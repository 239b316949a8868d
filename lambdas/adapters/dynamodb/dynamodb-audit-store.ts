/**
 * The audit trail in DynamoDB: append-only, hash-chained (lambdas/core/audit/audit-entry.ts). Each
 * append reads the head of the chain and writes seq+1 with `attribute_not_exists`, so two
 * concurrent appends cannot both take the same place; the loser re-reads and retries. Then it
 * moves the head anchor item (core/audit/chain-head.ts) forward with a condition that it only
 * ever advances, so `verify` detects a cut tail or a replaced trail.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { chainEntry, verifyChain, type AuditEntry, type AuditEntryInput, type AuditFilter, type ChainReport } from '../../core/audit/audit-entry.js';
import { checkChainHead, headOf, type ChainHead } from '../../core/audit/chain-head.js';
import type { AuditStore } from '../../core/ports.js';
import { AUDIT_TABLE } from './table-layout.js';

/** sha256 hex of a UTF-8 string. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The chain could not be appended to after several concurrent-writer retries. */
export class AuditAppendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditAppendError';
  }
}

type Item = Record<string, unknown>;

/**
 * The head anchor's key: its own partition of the audit table, so chain queries never see it, and
 * without `at` or `executionId`, so no index holds it.
 */
export const HEAD_KEY = { [AUDIT_TABLE.partitionKey]: `${AUDIT_TABLE.chainId}-head`, [AUDIT_TABLE.sortKey]: 0 } as const;

function toItem(e: AuditEntry): Item {
  return {
    [AUDIT_TABLE.partitionKey]: AUDIT_TABLE.chainId, seq: e.seq, executionId: e.executionId, type: e.type, at: e.at, actor: e.actor,
    ...(e.target !== undefined ? { target: e.target } : {}), ...(e.runbookId !== undefined ? { runbookId: e.runbookId } : {}),
    ...(e.outcome !== undefined ? { outcome: e.outcome } : {}),
    // Stored as JSON text: the hash covers exactly these bytes' meaning, untouched by DynamoDB's number/map conversion.
    data: JSON.stringify(e.data), prevHash: e.prevHash, hash: e.hash,
  };
}

function fromItem(item: Item): AuditEntry {
  // The payload's type follows `type`; the chain's hash (checked by verify) vouches for the stored text.
  return {
    executionId: item.executionId as string, type: item.type as AuditEntry['type'], at: item.at as string, actor: item.actor as string,
    ...(item.target !== undefined ? { target: item.target as string } : {}), ...(item.runbookId !== undefined ? { runbookId: item.runbookId as string } : {}),
    ...(item.outcome !== undefined ? { outcome: item.outcome as AuditEntry['outcome'] } : {}),
    data: JSON.parse(item.data as string), seq: Number(item.seq), prevHash: item.prevHash as string, hash: item.hash as string,
  } as AuditEntry;
}

/** AuditStore over one DynamoDB table (layout: {@link AUDIT_TABLE}). */
export class DynamoDbAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly maxAttempts?: number; readonly sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  private async head(): Promise<AuditEntry | undefined> {
    const out = await this.client.send(new QueryCommand({
      TableName: this.tableName, KeyConditionExpression: '#c = :c', ExpressionAttributeNames: { '#c': AUDIT_TABLE.partitionKey },
      ExpressionAttributeValues: { ':c': AUDIT_TABLE.chainId }, ScanIndexForward: false, Limit: 1, ConsistentRead: true,
    }));
    return out.Items?.[0] ? fromItem(out.Items[0]) : undefined;
  }

  /** Appends after the current head; retries when another writer took the place. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const attempts = this.options.maxAttempts ?? 20;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const entry = chainEntry(input, await this.head(), sha256Hex);
      try {
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(entry), ConditionExpression: 'attribute_not_exists(#s)', ExpressionAttributeNames: { '#s': AUDIT_TABLE.sortKey } }));
        await this.advanceHead(headOf(entry));
        return entry;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        lastError = error;
        await sleep(Math.floor(Math.random() * 20 * (i + 1)));
      }
    }
    throw new AuditAppendError(`could not append to the audit chain after ${attempts} attempts (constant contention); retry the step`, { cause: lastError });
  }

  /**
   * Moves the anchor to `head` unless a later append already moved it further. A writer that stops
   * between its entry and this leaves the anchor one behind, which verify accepts; the next append
   * moves it on. (Two writes, not a transaction: PutItem is all the appending functions may do.)
   */
  private async advanceHead(head: ChainHead): Promise<void> {
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName, Item: { ...HEAD_KEY, headSeq: head.seq, headHash: head.hash },
        ConditionExpression: 'attribute_not_exists(headSeq) OR headSeq < :seq', ExpressionAttributeValues: { ':seq': head.seq },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async readHead(): Promise<ChainHead | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: HEAD_KEY, ConsistentRead: true }));
    return out.Item ? { seq: Number(out.Item.headSeq), hash: String(out.Item.headHash) } : undefined;
  }

  private async queryAll(input: QueryCommandInput, limit = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items;
  }

  /** Entries of one execution, in chain order. */
  async execution(executionId: string): Promise<readonly AuditEntry[]> {
    const idx = AUDIT_TABLE.indexes.byExecution;
    const items = await this.queryAll({ TableName: this.tableName, IndexName: idx.name, KeyConditionExpression: '#k = :k', ExpressionAttributeNames: { '#k': idx.partitionKey }, ExpressionAttributeValues: { ':k': executionId } });
    return items.map(fromItem).sort((a, b) => a.seq - b.seq);
  }

  /** Newest first, through the index that fits the filter best; other criteria filter in the query. */
  async list(filter: AuditFilter): Promise<readonly AuditEntry[]> {
    const { indexes } = AUDIT_TABLE;
    const [idx, value] = filter.target !== undefined ? [indexes.byTarget, filter.target]
      : filter.runbookId !== undefined ? [indexes.byRunbook, filter.runbookId]
        : filter.outcome !== undefined ? [indexes.byOutcome, filter.outcome]
          : [indexes.byTime, AUDIT_TABLE.chainId];
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
    const items = await this.queryAll({
      TableName: this.tableName, IndexName: idx.name, KeyConditionExpression: keyCondition, ScanIndexForward: false,
      ExpressionAttributeNames: names, ExpressionAttributeValues: values, ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    }, limit);
    return items.map(fromItem).sort((a, b) => b.seq - a.seq).slice(0, limit);
  }

  /** Reads the whole chain in order (strongly consistent) and checks every link. */
  async verify(): Promise<ChainReport> {
    const items = await this.queryAll({
      TableName: this.tableName, KeyConditionExpression: '#c = :c', ExpressionAttributeNames: { '#c': AUDIT_TABLE.partitionKey },
      ExpressionAttributeValues: { ':c': AUDIT_TABLE.chainId }, ScanIndexForward: true, ConsistentRead: true,
    });
    const entries = items.map(fromItem);
    return checkChainHead(verifyChain(entries, sha256Hex), entries, await this.readHead());
  }
}
