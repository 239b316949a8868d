/**
 * SSM waits in the state table (core/collection/command-wait.ts). The wait item keeps the record
 * in `value` (so StateStore readers see it like any other item) and the commands still pending in
 * a top-level string set `pending`: `complete` is one UpdateItem, `DELETE pending :id` on the
 * condition `contains(pending, :id)`, so a redelivered event changes nothing and exactly one call
 * empties the set (DynamoDB removes an attribute whose set becomes empty).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.DELETE
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  commandPointerKey,
  type CommandWaitRecord,
  type CommandWaitStore,
  type CompletionCount,
} from '../../core/collection/command-wait.js';
import type { Clock } from '../../core/ports.js';
import { STATE_TABLE } from './table-layout.js';

const epoch = (d: Date): number => Math.floor(d.getTime() / 1000);

/** CommandWaitStore over the state table (layout: {@link STATE_TABLE}). */
export class DynamoDbCommandWaits implements CommandWaitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** The wait first, then the pointers: an event that finds its pointer always finds the wait. */
  async register(key: string, record: CommandWaitRecord, ttlSeconds: number): Promise<void> {
    const expiresAt = epoch(this.clock.now()) + ttlSeconds;
    // DynamoDB has no empty sets: a wait with nothing pending has no `pending` attribute.
    const pending = record.commandIds.length > 0 ? { pending: new Set(record.commandIds) } : {};
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [STATE_TABLE.partitionKey]: key,
          value: record,
          ...pending,
          [STATE_TABLE.ttlAttribute]: expiresAt,
        },
      }),
    );
    for (const id of record.commandIds) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [STATE_TABLE.partitionKey]: commandPointerKey(id),
            value: { wait: key },
            [STATE_TABLE.ttlAttribute]: expiresAt,
          },
        }),
      );
    }
  }

  /** The record, or undefined when absent or expired. */
  async get(key: string): Promise<CommandWaitRecord | undefined> {
    return (await this.item(key))?.value as CommandWaitRecord | undefined;
  }

  /** The wait key a command points to. */
  async waitOf(commandId: string): Promise<string | undefined> {
    const wait = (
      (await this.item(commandPointerKey(commandId)))?.value as { wait?: unknown } | undefined
    )?.wait;
    return typeof wait === 'string' ? wait : undefined;
  }

  /** One conditional DELETE from the pending set; `last` when the set is gone afterwards. */
  async complete(key: string, commandId: string): Promise<CompletionCount> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [STATE_TABLE.partitionKey]: key },
          UpdateExpression: 'DELETE #pending :id',
          ConditionExpression: 'contains(#pending, :cmd)',
          ExpressionAttributeNames: { '#pending': 'pending' },
          ExpressionAttributeValues: { ':id': new Set([commandId]), ':cmd': commandId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const left = out.Attributes?.pending as Set<string> | undefined;
      return left === undefined || left.size === 0 ? 'last' : 'more';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'not-pending';
      throw error;
    }
  }

  private async item(key: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [STATE_TABLE.partitionKey]: key },
        ConsistentRead: true,
      }),
    );
    if (!out.Item || Number(out.Item[STATE_TABLE.ttlAttribute]) <= epoch(this.clock.now()))
      return undefined;
    return out.Item;
  }
}
