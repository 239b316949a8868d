/**
 * The audit trail in DynamoDB, one hash chain per execution (core/audit/execution-chains.ts).
 * An append reads the head of its execution's chain and writes seq+1 with `attribute_not_exists`,
 * so two writers cannot take one place; only writers of the same execution can ever meet there,
 * and a Step Functions execution appends one step at a time. Then it moves that chain's head
 * anchor forward (conditional: only ever advances) and adds one to the trail's append count (an
 * unconditional ADD, which never contends). `verify` reads everything back: a cut tail or a
 * rewritten chain breaks against its anchor, a chain removed with its anchor shows in the count.
 * Tables written with the single-chain layout stay readable: their chain is verified as before.
 *
 * Each write is safe to repeat, since the SDK repeats a write whose answer was lost (a 5xx, a
 * timeout) even when DynamoDB applied it. The entry carries the id of its append (`appendId`,
 * outside the hashed entry): a put refused at seq N because N holds this very append is done, not
 * contention (appending it again one place later would record it twice). The head anchor only
 * ever advances. The count's ADD is sent at most once past an ambiguous answer
 * (at-most-once-write.ts): so the count never exceeds the entries, which `verify` would report as
 * removed chains forever; it may trail them by such an append, as by a writer stopped before
 * counting, which `verify` accepts.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  chainEntry,
  type AuditEntry,
  type AuditEntryInput,
  type AuditFilter,
  type ChainReport,
} from '../../core/audit/audit-entry.js';
import { headOf, type ChainHead } from '../../core/audit/chain-head.js';
import { verifyExecutionChains } from '../../core/audit/execution-chains.js';
import type { AuditStore } from '../../core/ports.js';
import {
  AuditAppendError,
  fromItem,
  isUnfiltered,
  jitterSleep,
  listEntries,
  newestFirst,
  queryAll,
  sha256Hex,
  toItem,
  type Item,
} from './audit-items.js';
import {
  SinglePartitionAuditStore,
  type AuditStoreOptions,
} from './single-partition-audit-store.js';
import { AUDIT_TABLE } from './table-layout.js';
import { AmbiguousWriteError, atMostOnce } from './at-most-once-write.js';

export { AuditAppendError, sha256Hex } from './audit-items.js';
export type { AuditStoreOptions } from './single-partition-audit-store.js';

const { partitionKey: PK, sortKey: SK } = AUDIT_TABLE;

/** The partition of an execution's chain. */
export const chainKeyOf = (executionId: string): string =>
  `${AUDIT_TABLE.executionChainPrefix}${executionId}`;
/** The key of the trail's append count. */
export const COUNT_KEY = { [PK]: AUDIT_TABLE.countKey, [SK]: 0 } as const;

/** AuditStore over one DynamoDB table (layout: {@link AUDIT_TABLE}). */
export class DynamoDbAuditStore implements AuditStore {
  private readonly legacy: SinglePartitionAuditStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AuditStoreOptions = {},
  ) {
    this.legacy = new SinglePartitionAuditStore(client, tableName);
  }

  private async last(executionId: string): Promise<AuditEntry | undefined> {
    const [item] = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#c = :c AND #s > :anchor',
        ExpressionAttributeNames: { '#c': PK, '#s': SK },
        ExpressionAttributeValues: { ':c': chainKeyOf(executionId), ':anchor': 0 },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      },
      1,
    );
    return item ? fromItem(item) : undefined;
  }

  /** Appends after the head of the entry's execution chain; retries when a writer of the same execution took the place. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const attempts = this.options.maxAttempts ?? 20;
    const chain = chainKeyOf(input.executionId);
    const appendId = randomUUID();
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const entry = chainEntry(input, await this.last(input.executionId), sha256Hex);
      try {
        this.options.onAttempt?.();
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(entry, {
              [PK]: chain,
              [AUDIT_TABLE.trailAttribute]: AUDIT_TABLE.trailId,
              appendId,
            }),
            ConditionExpression: 'attribute_not_exists(#s)',
            ExpressionAttributeNames: { '#s': SK },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The SDK's repeat of a put DynamoDB applied finds its own entry in the place: written.
        if (!(await this.holds(chain, entry.seq, appendId))) {
          lastError = error;
          await (this.options.sleep ?? jitterSleep)(Math.floor(Math.random() * 20 * (i + 1)));
          continue;
        }
      }
      await this.advanceHead(chain, headOf(entry));
      await this.count();
      return entry;
    }
    throw new AuditAppendError(
      `could not append to the audit chain of ${input.executionId} after ${attempts} attempts (writers of one execution contending); retry the step`,
      { cause: lastError },
    );
  }

  /** True when `seq` of the chain holds the entry of append `appendId` (strongly consistent). */
  private async holds(chain: string, seq: number, appendId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: chain, [SK]: seq },
        ProjectionExpression: 'appendId',
        ConsistentRead: true,
      }),
    );
    return Item?.appendId === appendId;
  }

  /**
   * Adds the append to the trail's count, after its entry is written (a writer stopped in between
   * leaves the count behind, which verify accepts). Never repeated past an ambiguous answer: a lost
   * answer to an applied ADD repeated would count the append twice, and a count above the entries
   * reads as removed chains forever; left uncounted, it only trails them.
   */
  private async count(): Promise<void> {
    const add = new UpdateCommand({
      TableName: this.tableName,
      Key: COUNT_KEY,
      UpdateExpression: 'ADD appended :one',
      ExpressionAttributeValues: { ':one': 1 },
    });
    atMostOnce(add, 'counting an audit append');
    try {
      await this.client.send(add);
    } catch (error) {
      if (!(error instanceof AmbiguousWriteError)) throw error;
    }
  }

  /**
   * Moves the chain's anchor (seq 0 of its partition, without `at` or `executionId`, so no index
   * holds it) to `head` unless a later append already moved it further.
   */
  private async advanceHead(chain: string, head: ChainHead): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: chain, [SK]: 0, headSeq: head.seq, headHash: head.hash },
          ConditionExpression: 'attribute_not_exists(headSeq) OR headSeq < :seq',
          ExpressionAttributeValues: { ':seq': head.seq },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Entries of one execution, in chain order (strongly consistent); an execution of the single-chain layout through its index. */
  async execution(executionId: string): Promise<readonly AuditEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#c = :c AND #s > :anchor',
      ExpressionAttributeNames: { '#c': PK, '#s': SK },
      ExpressionAttributeValues: { ':c': chainKeyOf(executionId), ':anchor': 0 },
      ConsistentRead: true,
    });
    if (items.length > 0) return items.map(fromItem);
    return this.legacy.execution(executionId);
  }

  /** Newest first; a list of everything also reads the single-chain layout's time index. */
  async list(filter: AuditFilter): Promise<readonly AuditEntry[]> {
    const current = await listEntries(this.client, this.tableName, filter, [
      AUDIT_TABLE.indexes.byTrail,
      AUDIT_TABLE.trailId,
    ]);
    if (!isUnfiltered(filter)) return current;
    return newestFirst([...current, ...(await this.legacy.list(filter))], filter.limit ?? 100);
  }

  /** Reads every chain, anchor and the count (strongly consistent scan) and checks them all; the single-chain layout as before. */
  async verify(): Promise<ChainReport> {
    const chains = new Map<string, AuditEntry[]>();
    const heads = new Map<string, ChainHead>();
    let counted: number | undefined;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of (out.Items ?? []) as Item[]) {
        const key = String(item[PK]);
        if (key === AUDIT_TABLE.countKey) counted = Number(item.appended);
        if (!key.startsWith(AUDIT_TABLE.executionChainPrefix)) continue;
        const executionId = key.slice(AUDIT_TABLE.executionChainPrefix.length);
        if (Number(item[SK]) === 0)
          heads.set(executionId, { seq: Number(item.headSeq), hash: String(item.headHash) });
        else {
          const chain = chains.get(executionId) ?? [];
          chain.push(fromItem(item));
          chains.set(executionId, chain);
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
    const current = verifyExecutionChains(
      { chains, heads, ...(counted !== undefined ? { counted } : {}) },
      sha256Hex,
    );
    if (!(await this.legacy.present())) return current;
    const old = await this.legacy.verify();
    return {
      ...(old.ok ? current : old),
      ok: old.ok && current.ok,
      entries: old.entries + current.entries,
    };
  }
}
