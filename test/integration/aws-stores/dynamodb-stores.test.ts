import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { DynamoDbAuditStore, HEAD_KEY, sha256Hex } from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbLockStore, DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { createAuditTable, createStateTable } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { chainEntry, type AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';

let server: any;
let raw: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let n = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${server.address().port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  ddb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  raw.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

async function auditStore(): Promise<{ store: DynamoDbAuditStore; table: string }> {
  const table = `audit-${++n}`;
  await createAuditTable(raw, table);
  return { store: new DynamoDbAuditStore(ddb, table), table };
}

// Store mechanics only: the payloads are arbitrary JSON, not a step's typed payload.
const entry = (i: number, extra: Record<string, unknown> = {}): AuditEntryInput => ({
  executionId: `exec-${i % 3}`, type: 'step', at: `2026-11-23T09:00:${String(i).padStart(2, '0')}Z`, actor: 'system',
  target: `i-0000000000000000${i % 2}`, runbookId: i % 2 ? 'disk-full' : 'docker-daemon-down', data: { i, nested: { b: 1, a: [1.5, 'x'] } }, ...extra,
}) as unknown as AuditEntryInput;

describe('DynamoDbAuditStore over dynalite', () => {
  it('chains entries: seq from 1 without gaps, each linked to the previous hash', async () => {
    const { store } = await auditStore();
    const a = await store.append(entry(1));
    const b = await store.append(entry(2));
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe('0'.repeat(64));
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash });
    expect(await store.verify()).toEqual({ ok: true, entries: 2 });
  });

  it('concurrent appends never take the same place (conditional write on the next seq)', async () => {
    const { store } = await auditStore();
    const written = await Promise.all(Array.from({ length: 12 }, (_, i) => store.append(entry(i))));
    expect(written.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await store.verify()).ok).toBe(true);
  });

  it('detects an edited entry', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(entry(i));
    await ddb.send(new UpdateCommand({ TableName: table, Key: { chain: 'audit', seq: 3 }, UpdateExpression: 'SET #d = :d', ExpressionAttributeNames: { '#d': 'data' }, ExpressionAttributeValues: { ':d': '{"i":99}' } }));
    expect(await store.verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringContaining('edited') } });
  });

  it('detects a deleted entry', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(entry(i));
    await ddb.send(new DeleteCommand({ TableName: table, Key: { chain: 'audit', seq: 2 } }));
    expect(await store.verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringContaining('removed') } });
  });

  it('detects a truncated tail through the head anchor item', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(entry(i));
    await ddb.send(new DeleteCommand({ TableName: table, Key: { chain: 'audit', seq: 4 } }));
    await ddb.send(new DeleteCommand({ TableName: table, Key: { chain: 'audit', seq: 3 } }));
    expect(await store.verify()).toMatchObject({ ok: false, entries: 2, firstBroken: { seq: 3, reason: expect.stringContaining('removed from the end') } });
  });

  it('detects a wholesale rewrite: another valid chain written over the trail', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 3; i++) await store.append(entry(i));
    let previous: ReturnType<typeof chainEntry> | undefined;
    for (let i = 0; i < 3; i++) {
      previous = chainEntry(entry(i, { actor: 'user:mallory' }), previous, sha256Hex);
      await ddb.send(new PutCommand({ TableName: table, Item: { chain: 'audit', seq: previous.seq, executionId: previous.executionId, type: previous.type, at: previous.at, actor: previous.actor, target: previous.target, runbookId: previous.runbookId, data: JSON.stringify(previous.data), prevHash: previous.prevHash, hash: previous.hash } }));
    }
    expect(await store.verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringContaining('rewritten') } });
  });

  it('the head anchor only moves forward and stays out of every chain query', async () => {
    const { store, table } = await auditStore();
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(entry(i))));
    const head = await ddb.send(new GetCommand({ TableName: table, Key: HEAD_KEY, ConsistentRead: true }));
    const last = (await store.list({ limit: 1 }))[0]!;
    expect(head.Item).toMatchObject({ headSeq: 8, headHash: last.hash });
    expect(await store.verify()).toEqual({ ok: true, entries: 8 });
  });

  it('reads an execution in order and lists by target, runbook, outcome and time (newest first)', async () => {
    const { store } = await auditStore();
    for (let i = 0; i < 6; i++) await store.append(entry(i));
    await store.append(entry(6, { type: 'completed', outcome: 'remediated' }));
    expect((await store.execution('exec-0')).map((e) => (e.data as unknown as { i: number }).i)).toEqual([0, 3, 6]);
    expect((await store.list({ target: 'i-00000000000000001' })).map((e) => (e.data as unknown as { i: number }).i)).toEqual([5, 3, 1]);
    expect((await store.list({ runbookId: 'disk-full', since: '2026-11-23T09:00:02Z' })).map((e) => (e.data as unknown as { i: number }).i)).toEqual([5, 3]);
    expect((await store.list({ outcome: 'remediated' })).map((e) => e.seq)).toEqual([7]);
    expect((await store.list({ limit: 2 })).map((e) => e.seq)).toEqual([7, 6]);
    expect((await store.list({ target: 'i-00000000000000000', runbookId: 'docker-daemon-down', outcome: 'remediated' })).map((e) => e.seq)).toEqual([7]);
  });

  it('round-trips data exactly (stored as JSON text), so hashes survive DynamoDB', async () => {
    const { store } = await auditStore();
    const written = await store.append(entry(1, { data: { float: 0.1, big: 12345678901234, empty: '', list: [], obj: {} } }));
    const [read] = await store.execution(written.executionId);
    expect(read).toEqual(written);
  });
});

describe('DynamoDbLockStore and DynamoDbStateStore over dynalite', () => {
  let now = new Date('2026-11-23T09:00:00Z');
  const clock = { now: () => now };

  it('a lock is exclusive, re-entrant for its owner, released only by its owner, and expires', async () => {
    const table = `state-${++n}`;
    await createStateTable(raw, table);
    const locks = new DynamoDbLockStore(ddb, table, clock);
    expect(await locks.acquire('lock#i-1', 'exec-a', 60)).toBe(true);
    expect(await locks.acquire('lock#i-1', 'exec-b', 60)).toBe(false);
    expect(await locks.acquire('lock#i-1', 'exec-a', 60)).toBe(true);
    await locks.release('lock#i-1', 'exec-b');
    expect(await locks.acquire('lock#i-1', 'exec-b', 60)).toBe(false);
    now = new Date(now.getTime() + 61_000);
    expect(await locks.acquire('lock#i-1', 'exec-b', 60)).toBe(true);
    await locks.release('lock#i-1', 'exec-b');
    expect(await locks.acquire('lock#i-1', 'exec-c', 60)).toBe(true);
  });

  it('putIfAbsent claims a key once per window; get ignores expired items', async () => {
    const table = `state-${++n}`;
    await createStateTable(raw, table);
    const state = new DynamoDbStateStore(ddb, table, clock);
    expect(await state.putIfAbsent('dedupe#x', { executionId: 'a' }, 30)).toBe(true);
    expect(await state.putIfAbsent('dedupe#x', { executionId: 'b' }, 30)).toBe(false);
    expect(await state.get('dedupe#x')).toEqual({ executionId: 'a' });
    now = new Date(now.getTime() + 31_000);
    expect(await state.get('dedupe#x')).toBeUndefined();
    expect(await state.putIfAbsent('dedupe#x', { executionId: 'b' }, 30)).toBe(true);
    await state.put('dedupe#x', { executionId: 'c' }, 30);
    expect(await state.get('dedupe#x')).toEqual({ executionId: 'c' });
  });
});
