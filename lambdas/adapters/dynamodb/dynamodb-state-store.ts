/**
 * Small state (de-duplication claims, cooldowns, failure counts) in the state table, beside the
 * locks (dynamodb-lock-store.ts), with conditional writes and a TTL attribute. DynamoDB deletes expired items lazily (up to
 * days later), so every read and condition also treats `expiresAt < now` as absent.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, StateStore } from '../../core/ports.js';
import { epoch, names, conditionalPut, liveItem } from './state-table-writes.js';
import { STATE_TABLE } from './table-layout.js';

/** StateStore over the state table (layout: {@link STATE_TABLE}). */
export class DynamoDbStateStore implements StateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** Inserts only when the key is absent or expired. */
  async putIfAbsent(
    key: string,
    value: Record<string, unknown>,
    ttlSeconds: number,
  ): Promise<boolean> {
    const now = epoch(this.clock.now());
    return conditionalPut(this.client, {
      TableName: this.tableName,
      Item: {
        [STATE_TABLE.partitionKey]: key,
        value,
        [STATE_TABLE.ttlAttribute]: now + ttlSeconds,
      },
      ConditionExpression: 'attribute_not_exists(#pk) OR #exp <= :now',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':now': now },
    });
  }

  /** The value, or undefined when absent or expired. */
  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const item = await liveItem(this.client, this.tableName, key, this.clock.now());
    return item?.value as Record<string, unknown> | undefined;
  }

  /** Overwrites the key. */
  async put(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [STATE_TABLE.partitionKey]: key,
          value,
          [STATE_TABLE.ttlAttribute]: epoch(this.clock.now()) + ttlSeconds,
        },
      }),
    );
  }
}
