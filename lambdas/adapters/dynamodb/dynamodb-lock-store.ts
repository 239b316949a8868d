/**
 * Per-target locks in the state table (conditional writes, TTL): its own module, so a function
 * that takes no lock loads it only if it ever calls it (aws-ports.ts wires it as a lazy port).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, LockStore } from '../../core/ports.js';
import type { LockRelease } from '../../core/workflow/ports.js';
import {
  epoch,
  names,
  conditionalPut,
  conditionalDelete,
  conditionalUpdate,
  liveItem,
} from './state-table-writes.js';
import { STATE_TABLE } from './table-layout.js';

/** A lock's acting deadline (epoch seconds): an action of its owner may run on the target until then. */
const ACTING = 'actingUntil';
/** When a release found the lock acting and kept it (ISO time): endActing then frees it. */
const RELEASED_WHILE_ACTING = 'releasedWhileActing';

/**
 * LockStore over the state table: one item per locked target, owned by an execution. A lock an
 * action may still be running under carries `actingUntil` (epoch seconds); a release that finds it
 * in the future cuts the expiry to it and sets `releasedWhileActing`, which tells the action's own
 * `endActing` to free the lock as soon as the action returns.
 */
export class DynamoDbLockStore implements LockStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** Takes the lock when free, expired, or already ours (a retried step); a whole new item, so an earlier acting mark goes. */
  async acquire(
    target: string,
    owner: string,
    ttlSeconds: number,
    actingUntil?: Date,
  ): Promise<boolean> {
    const now = epoch(this.clock.now());
    const acting = actingUntil ? epoch(actingUntil) : undefined;
    return conditionalPut(this.client, {
      TableName: this.tableName,
      Item: {
        [STATE_TABLE.partitionKey]: target,
        owner,
        [STATE_TABLE.ttlAttribute]: Math.max(now + ttlSeconds, acting ?? 0),
        acquiredAt: this.clock.now().toISOString(),
        ...(acting !== undefined ? { [ACTING]: acting } : {}),
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

  /**
   * Deletes the lock if this owner holds it and no action of it may still run; else, if the
   * owner's action may, keeps it until the action's deadline; someone else's lock, or none, is
   * left alone. One request, two on the rarer paths (no conditional write tells which part of its
   * condition failed without reading the item).
   */
  async release(target: string, owner: string): Promise<LockRelease> {
    const now = epoch(this.clock.now());
    const key = { [STATE_TABLE.partitionKey]: target };
    const deleted = await conditionalDelete(this.client, {
      TableName: this.tableName,
      Key: key,
      ConditionExpression: '#owner = :owner AND (attribute_not_exists(#acting) OR #acting <= :now)',
      ExpressionAttributeNames: { '#owner': 'owner', '#acting': ACTING },
      ExpressionAttributeValues: { ':owner': owner, ':now': now },
    });
    if (deleted) return 'released';
    const kept = await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'SET #exp = #acting, #kept = :at',
      ConditionExpression: '#owner = :owner AND #acting > :now',
      ExpressionAttributeNames: {
        '#owner': 'owner',
        '#acting': ACTING,
        '#exp': STATE_TABLE.ttlAttribute,
        '#kept': RELEASED_WHILE_ACTING,
      },
      ExpressionAttributeValues: {
        ':owner': owner,
        ':now': now,
        ':at': this.clock.now().toISOString(),
      },
      ReturnValues: 'ALL_NEW',
    });
    if (!kept) return 'not-held';
    return { actingUntil: new Date(Number(kept[ACTING]) * 1000).toISOString() };
  }

  /** Clears this owner's acting mark; frees the lock instead when a release kept it for the action. */
  async endActing(target: string, owner: string): Promise<boolean> {
    const key = { [STATE_TABLE.partitionKey]: target };
    const before = await conditionalUpdate(this.client, {
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'REMOVE #acting',
      ConditionExpression: '#owner = :owner AND attribute_exists(#acting)',
      ExpressionAttributeNames: { '#owner': 'owner', '#acting': ACTING },
      ExpressionAttributeValues: { ':owner': owner },
      ReturnValues: 'ALL_OLD',
    });
    if (!before?.[RELEASED_WHILE_ACTING]) return false;
    return conditionalDelete(this.client, {
      TableName: this.tableName,
      Key: key,
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    });
  }
}
