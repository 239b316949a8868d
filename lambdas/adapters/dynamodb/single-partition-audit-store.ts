/**
 * The audit layout before per-execution chains: one hash chain in one DynamoDB partition
 * (`audit`), its head anchor in item `audit-head`. Every append reads the chain's head and writes
 * seq+1 with `attribute_not_exists`, so concurrent writers from every execution contend for the
 * same place (4 to 8 attempts per append at 10 to 40 writers; `npm run bench`). Kept to read and
 * verify tables written that way (DynamoDbAuditStore delegates to it) and as the bench's baseline.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  chainEntry,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
  type AuditFilter,
  type ChainReport,
} from '../../core/audit/audit-entry.js';
import { checkChainHead, headOf, type ChainHead } from '../../core/audit/chain-head.js';
import type { AuditStore } from '../../core/ports.js';
import {
  AuditAppendError,
  fromItem,
  jitterSleep,
  listEntries,
  queryAll,
  sha256Hex,
  toItem,
} from './audit-items.js';
import { AUDIT_TABLE } from './table-layout.js';

/** The single chain's head anchor key: its own partition, without `at` or `executionId`, so no index holds it. */
export const HEAD_KEY = {
  [AUDIT_TABLE.partitionKey]: `${AUDIT_TABLE.chainId}-head`,
  [AUDIT_TABLE.sortKey]: 0,
} as const;

/** Options of both DynamoDB audit layouts. */
export interface AuditStoreOptions {
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called on every conditional write of an entry (the bench counts attempts per append). */
  readonly onAttempt?: () => void;
}

/** AuditStore over the single-chain layout. */
export class SinglePartitionAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AuditStoreOptions = {},
  ) {}

  private chainQuery(forward: boolean, limit?: number) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: '#c = :c',
      ExpressionAttributeNames: { '#c': AUDIT_TABLE.partitionKey },
      ExpressionAttributeValues: { ':c': AUDIT_TABLE.chainId },
      ScanIndexForward: forward,
      ConsistentRead: true,
      ...(limit ? { Limit: limit } : {}),
    };
  }

  /** Appends after the current head; retries when another writer took the place. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const attempts = this.options.maxAttempts ?? 20;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const [last] = await queryAll(this.client, this.chainQuery(false, 1), 1);
      const entry = chainEntry(input, last ? fromItem(last) : undefined, sha256Hex);
      try {
        this.options.onAttempt?.();
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(entry, { [AUDIT_TABLE.partitionKey]: AUDIT_TABLE.chainId }),
            ConditionExpression: 'attribute_not_exists(#s)',
            ExpressionAttributeNames: { '#s': AUDIT_TABLE.sortKey },
          }),
        );
        await this.advanceHead(headOf(entry));
        return entry;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        lastError = error;
        await (this.options.sleep ?? jitterSleep)(Math.floor(Math.random() * 20 * (i + 1)));
      }
    }
    throw new AuditAppendError(
      `could not append to the audit chain after ${attempts} attempts (constant contention); retry the step`,
      { cause: lastError },
    );
  }

  /** Moves the anchor to `head` unless a later append already moved it further. */
  private async advanceHead(head: ChainHead): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...HEAD_KEY, headSeq: head.seq, headHash: head.hash },
          ConditionExpression: 'attribute_not_exists(headSeq) OR headSeq < :seq',
          ExpressionAttributeValues: { ':seq': head.seq },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Entries of one execution, in chain order. */
  async execution(executionId: string): Promise<readonly AuditEntry[]> {
    const idx = AUDIT_TABLE.indexes.byExecution;
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: idx.name,
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': idx.partitionKey },
      ExpressionAttributeValues: { ':k': executionId },
    });
    return items.map(fromItem).sort((a, b) => a.seq - b.seq);
  }

  /** Newest first, through the index that fits the filter best. */
  async list(filter: AuditFilter): Promise<readonly AuditEntry[]> {
    return listEntries(this.client, this.tableName, filter, [
      AUDIT_TABLE.indexes.byTime,
      AUDIT_TABLE.chainId,
    ]);
  }

  /** True when the table holds anything of this layout (entries or anchor). */
  async present(): Promise<boolean> {
    const [entry] = await queryAll(this.client, this.chainQuery(true, 1), 1);
    return entry !== undefined || (await this.readHead()) !== undefined;
  }

  private async readHead(): Promise<ChainHead | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: HEAD_KEY, ConsistentRead: true }),
    );
    return out.Item
      ? { seq: Number(out.Item.headSeq), hash: String(out.Item.headHash) }
      : undefined;
  }

  /** Reads the whole chain in order (strongly consistent) and checks every link and the anchor. */
  async verify(): Promise<ChainReport> {
    const entries = (await queryAll(this.client, this.chainQuery(true))).map(fromItem);
    return checkChainHead(verifyChain(entries, sha256Hex), entries, await this.readHead());
  }
}
