/**
 * The state table's conditional writes and TTL-aware read, shared by its two stores (state, locks).
 * DynamoDB deletes expired items lazily (up to days later), so every read and condition also
 * treats `expiresAt < now` as absent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE } from './table-layout.js';

export const epoch = (d: Date): number => Math.floor(d.getTime() / 1000);
export const names = { '#pk': STATE_TABLE.partitionKey, '#exp': STATE_TABLE.ttlAttribute };

/** A put whose condition decides: true when written, false when the condition refused it. */
export async function conditionalPut(
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

/** A conditional delete: true when deleted, false when the condition refused it. */
export async function conditionalDelete(
  client: DynamoDBDocumentClient,
  input: DeleteCommandInput,
): Promise<boolean> {
  try {
    await client.send(new DeleteCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** A conditional update: the item's attributes as `ReturnValues` asks, or undefined when the condition refused it. */
export async function conditionalUpdate(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<Record<string, unknown> | undefined> {
  try {
    return (await client.send(new UpdateCommand(input))).Attributes ?? {};
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** The item under `key` if it has not expired (DynamoDB's TTL deletes lazily, so expiry is checked here). */
export async function liveItem(
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
