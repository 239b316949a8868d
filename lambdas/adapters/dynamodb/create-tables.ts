/**
 * Creates the audit and state tables with the deployed layout on a DynamoDB-compatible endpoint
 * (dynalite in tests and local runs). The deployed tables come from CDK (cdk/constructs/audit-store.ts)
 * with the same {@link AUDIT_TABLE} / {@link STATE_TABLE} layout.
 */
import {
  CreateTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { AUDIT_TABLE, STATE_TABLE } from './table-layout.js';

/** Creates the audit table (chain + GSIs); no error when it exists. */
export async function createAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attrs = new Map<string, 'S' | 'N'>([
    [AUDIT_TABLE.partitionKey, 'S'],
    [AUDIT_TABLE.sortKey, 'N'],
  ]);
  const gsis: GlobalSecondaryIndex[] = Object.values(AUDIT_TABLE.indexes).map((idx) => {
    attrs.set(idx.partitionKey, 'S');
    attrs.set(idx.sortKey, idx.sortType);
    return {
      IndexName: idx.name,
      KeySchema: [
        { AttributeName: idx.partitionKey, KeyType: 'HASH' },
        { AttributeName: idx.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  const definitions: AttributeDefinition[] = [...attrs].map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  }));
  await create(client, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: definitions,
    KeySchema: [
      { AttributeName: AUDIT_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: AUDIT_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: gsis,
  });
}

/** Creates the state table (locks, claims, cooldowns); no error when it exists. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await create(client, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
  });
}

async function create(
  client: DynamoDBClient,
  input: ConstructorParameters<typeof CreateTableCommand>[0],
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
