/**
 * The audit trail when DynamoDB applies a write and its answer is lost (HTTP 500 InternalServerError:
 * "the request may or may not have succeeded"), which the SDK retries: a proxy in front of dynalite
 * applies the write and answers 500 in its place. The entry must be recorded once, the count must
 * not run ahead of the entries, and `verify` must keep passing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTable } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import {
  COUNT_KEY,
  DynamoDbAuditStore,
} from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import type { AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';

// biome-ignore lint/suspicious/noExplicitAny: dynalite ships no types
let server: any;
let proxy: http.Server;
let raw: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let tables = 0;
/** The next answer of this operation (`PutItem`, `UpdateItem`) is replaced by a 500 after dynalite applied it. */
let loseNext: string | undefined;
/** Requests that reached dynalite, by operation. */
const sent = new Map<string, number>();

/** Forwards to dynalite; swallows the answer named by {@link loseNext} once. */
function lossyProxy(port: number): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target']).split('.').pop()!;
      sent.set(operation, (sent.get(operation) ?? 0) + 1);
      const up = http.request(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (c) => out.push(c));
          answer.on('end', () => {
            if (loseNext === operation && answer.statusCode === 200) {
              loseNext = undefined;
              res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
              res.end(
                JSON.stringify({
                  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                  message: 'Internal server error',
                }),
              );
              return;
            }
            res.writeHead(answer.statusCode!, answer.headers);
            res.end(Buffer.concat(out));
          });
        },
      );
      up.end(Buffer.concat(chunks));
    });
  });
}

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy = lossyProxy(server.address().port);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  // The SDK's defaults: three attempts, standard retry (a 500 is retried).
  raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  ddb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  raw.destroy();
  await new Promise<void>((r) => proxy.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
});

async function auditStore(): Promise<{ store: DynamoDbAuditStore; table: string }> {
  const table = `audit-lost-${++tables}`;
  await createAuditTable(raw, table);
  return { store: new DynamoDbAuditStore(ddb, table), table };
}

async function countOf(table: string): Promise<number> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: table, Key: COUNT_KEY, ConsistentRead: true }),
  );
  return Number(Item?.appended);
}

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Paramedic:run-1';
// Store mechanics only: the payloads are arbitrary JSON, not a step's typed payload.
const entry = (type: string, data: Record<string, unknown>): AuditEntryInput =>
  ({ executionId: EXECUTION, type, at: new Date().toISOString(), actor: 'system', data }) as never;

describe('DynamoDbAuditStore when an applied write loses its answer', () => {
  it('records an entry whose put was applied and answered 500 once, not again one place later', async () => {
    const { store } = await auditStore();
    await store.append(entry('triggered', { mode: 'alarm' }));
    const putsBefore = sent.get('PutItem') ?? 0;
    loseNext = 'PutItem';

    const written = await store.append(entry('step', { step: 0, action: 'docker-restart' }));
    await store.append(entry('completed', { outcome: 'remediated' }));

    // The answer was lost and the SDK sent the put again (control: the proxy did its part).
    expect(loseNext).toBeUndefined();
    expect((sent.get('PutItem') ?? 0) - putsBefore).toBeGreaterThanOrEqual(3);
    expect(written.seq).toBe(2);
    expect((await store.execution(EXECUTION)).map((e) => `${e.seq}:${e.type}`)).toEqual([
      '1:triggered',
      '2:step',
      '3:completed',
    ]);
    expect((await store.verify()).ok).toBe(true);
  });

  it('never counts an append twice when the answer to its count was lost: the count does not run ahead of the entries', async () => {
    const { store, table } = await auditStore();
    loseNext = 'UpdateItem';

    await store.append(entry('triggered', { mode: 'alarm' }));

    expect(loseNext).toBeUndefined();
    expect(await countOf(table)).toBe(1);
    expect(await store.verify()).toMatchObject({ ok: true, entries: 1 });
    await store.append(entry('completed', { outcome: 'remediated' }));
    expect(await countOf(table)).toBe(2);
    expect((await store.verify()).ok).toBe(true);
  });
});
