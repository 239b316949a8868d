/**
 * Locks and small state (de-duplication claims, cooldowns, failure counts) in one DynamoDB
 * table with conditional writes and a TTL attribute. DynamoDB deletes expired items lazily (up to
 * days later), so every read and condition also treats `expiresAt < now` as absent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Clock, LockStore, StateStore } from '../../core/ports.js';
import { STATE_TABLE } from './table-layout.js';

const epoch = (d: Date): number => Math.floor(d.getTime() / 1000);
const names = { '#pk': STATE_TABLE.partitionKey, '#exp': STATE_TABLE.ttlAttribute };

/** A put whose condition decides: true when written, false when the condition refused it. */
async function conditionalPut(
  client: DynamoDBDocumentClient,
  input: PutCommandInput,
): Promise<boolean> {
  try {
    await client.send(new PutCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The item under `key` if it has not expired (DynamoDB's TTL deletes lazily, so expiry is checked here). */
async function liveItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const { Item: item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { [STATE_TABLE.partitionKey]: key },
      ConsistentRead: true,
    }),
  );
  if (!item || Number(item[STATE_TABLE.ttlAttribute]) <= epoch(now)) return undefined;
  return item;
}

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

/** LockStore over the state table: one item per locked target, owned by an execution. */
export class DynamoDbLockStore implements LockStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** Takes the lock when free, expired, or already ours (a retried step). */
  async acquire(target: string, owner: string, ttlSeconds: number): Promise<boolean> {
    const now = epoch(this.clock.now());
    return conditionalPut(this.client, {
      TableName: this.tableName,
      Item: {
        [STATE_TABLE.partitionKey]: target,
        owner,
        [STATE_TABLE.ttlAttribute]: now + ttlSeconds,
        acquiredAt: this.clock.now().toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(#pk) OR #exp <= :now OR #owner = :owner',
      ExpressionAttributeNames: { ...names, '#owner': 'owner' },
      ExpressionAttributeValues: { ':now': now, ':owner': owner },
    });
  }

  /** The owner of the target's live lease (an expired one is free even before DynamoDB's TTL deletes it). */
  async leaseOwner(target: string): Promise<string | undefined> {
    const item = await liveItem(this.client, this.tableName, target, this.clock.now());
    return typeof item?.owner === 'string' ? item.owner : undefined;
  }

  /** Releases the lock if this owner holds it (true); someone else's lock, or none, is left alone (false). */
  async release(target: string, owner: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [STATE_TABLE.partitionKey]: target },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
