import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  UpdateCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import {
  chainKeyOf,
  COUNT_KEY,
  DynamoDbAuditStore,
  sha256Hex,
} from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import {
  HEAD_KEY,
  SinglePartitionAuditStore,
} from '../../../lambdas/adapters/dynamodb/single-partition-audit-store.js';
import { DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { DynamoDbLockStore } from '../../../lambdas/adapters/dynamodb/dynamodb-lock-store.js';
import {
  createAuditTable,
  createStateTable,
} from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { chainEntry, type AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';

let server: any;
let raw: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let n = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
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
const entry = (i: number, extra: Record<string, unknown> = {}): AuditEntryInput =>
  ({
    executionId: `exec-${i % 3}`,
    type: 'step',
    at: `2026-11-23T09:00:${String(i).padStart(2, '0')}Z`,
    actor: 'system',
    target: `i-0000000000000000${i % 2}`,
    runbookId: i % 2 ? 'disk-full' : 'docker-daemon-down',
    data: { i, nested: { b: 1, a: [1.5, 'x'] } },
    ...extra,
  }) as unknown as AuditEntryInput;

const ids = (entries: readonly { data: unknown }[]) =>
  entries.map((e) => (e.data as { i: number }).i);
/** Store mechanics of one execution's chain. */
const one = (i: number, extra: Record<string, unknown> = {}) =>
  entry(i, { executionId: 'exec-0', ...extra });
const key = (executionId: string, seq: number) => ({ chain: chainKeyOf(executionId), seq });
/** Writes an entry item directly (what someone with table access could do). */
const forge = (table: string, e: ReturnType<typeof chainEntry>) =>
  ddb.send(
    new PutCommand({
      TableName: table,
      Item: {
        ...key(e.executionId, e.seq),
        trail: 'audit',
        executionId: e.executionId,
        type: e.type,
        at: e.at,
        actor: e.actor,
        target: e.target,
        runbookId: e.runbookId,
        data: JSON.stringify(e.data),
        prevHash: e.prevHash,
        hash: e.hash,
      },
    }),
  );

describe('DynamoDbAuditStore over dynalite: one chain per execution', () => {
  it("chains an execution's entries: seq from 1 without gaps, each linked to the previous hash", async () => {
    const { store } = await auditStore();
    const a = await store.append(one(1));
    const b = await store.append(one(2));
    const other = await store.append(entry(1, { executionId: 'exec-9' }));
    expect(a).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash });
    expect(other).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(await store.verify()).toEqual({ ok: true, entries: 3 });
  });

  it('concurrent appends never take the same place; writers of different executions never meet', async () => {
    let attempts = 0;
    const { table } = await auditStore();
    const store = new DynamoDbAuditStore(ddb, table, {
      onAttempt: () => {
        attempts++;
      },
    });
    const written = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.append(entry(i, { executionId: `exec-${i}` }))),
    );
    expect(written.map((e) => e.seq)).toEqual(Array(12).fill(1));
    expect(attempts).toBe(12);
    const same = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.append(entry(i, { executionId: 'exec-same' }))),
    );
    expect(same.map((e) => e.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store.verify()).toEqual({ ok: true, entries: 20 });
  });

  it('detects an edited entry', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(one(i));
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: key('exec-0', 3),
        UpdateExpression: 'SET #d = :d',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':d': '{"i":99}' },
      }),
    );
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, executionId: 'exec-0', reason: expect.stringContaining('edited') },
    });
  });

  it('detects a deleted entry', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(one(i));
    await ddb.send(new DeleteCommand({ TableName: table, Key: key('exec-0', 2) }));
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: expect.stringContaining('removed') },
    });
  });

  it('detects a truncated chain through its head anchor', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 4; i++) await store.append(one(i));
    await store.append(entry(1, { executionId: 'exec-7' }));
    await ddb.send(new DeleteCommand({ TableName: table, Key: key('exec-0', 4) }));
    await ddb.send(new DeleteCommand({ TableName: table, Key: key('exec-0', 3) }));
    expect(await store.verify()).toMatchObject({
      ok: false,
      entries: 3,
      firstBroken: {
        seq: 3,
        executionId: 'exec-0',
        reason: expect.stringContaining('removed from the end'),
      },
    });
  });

  it("detects a rewrite: another valid chain written over an execution's", async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 3; i++) await store.append(one(i));
    let previous: ReturnType<typeof chainEntry> | undefined;
    for (let i = 0; i < 3; i++) {
      previous = chainEntry(one(i, { actor: 'user:mallory' }), previous, sha256Hex);
      await forge(table, previous);
    }
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: expect.stringContaining('rewritten') },
    });
  });

  it('detects a whole chain removed with its anchor through the append count', async () => {
    const { store, table } = await auditStore();
    for (let i = 0; i < 3; i++) await store.append(one(i));
    await store.append(entry(1, { executionId: 'exec-7' }));
    for (const seq of [0, 1, 2, 3])
      await ddb.send(new DeleteCommand({ TableName: table, Key: key('exec-0', seq) }));
    expect(await store.verify()).toMatchObject({
      ok: false,
      entries: 1,
      firstBroken: {
        reason:
          'the trail counted 4 appends but holds 1 entries: whole chains were removed with their anchors',
      },
    });
  });

  it('each head anchor only moves forward and stays out of every chain query; the count matches', async () => {
    const { store, table } = await auditStore();
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(one(i))));
    const head = await ddb.send(
      new GetCommand({ TableName: table, Key: key('exec-0', 0), ConsistentRead: true }),
    );
    const chain = await store.execution('exec-0');
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(head.Item).toMatchObject({ headSeq: 8, headHash: chain[7]!.hash });
    expect(
      (await ddb.send(new GetCommand({ TableName: table, Key: COUNT_KEY, ConsistentRead: true })))
        .Item,
    ).toMatchObject({ appended: 8 });
    expect(await store.verify()).toEqual({ ok: true, entries: 8 });
  });

  it('reads an execution in order and lists by target, runbook, outcome and time (newest first)', async () => {
    const { store } = await auditStore();
    for (let i = 0; i < 6; i++) await store.append(entry(i));
    await store.append(entry(6, { type: 'completed', outcome: 'remediated' }));
    expect(ids(await store.execution('exec-0'))).toEqual([0, 3, 6]);
    expect(ids(await store.list({ target: 'i-00000000000000001' }))).toEqual([5, 3, 1]);
    expect(
      ids(await store.list({ runbookId: 'disk-full', since: '2026-11-23T09:00:02Z' })),
    ).toEqual([5, 3]);
    expect(ids(await store.list({ outcome: 'remediated' }))).toEqual([6]);
    expect(ids(await store.list({ limit: 2 }))).toEqual([6, 5]);
    expect(
      ids(
        await store.list({
          target: 'i-00000000000000000',
          runbookId: 'docker-daemon-down',
          outcome: 'remediated',
        }),
      ),
    ).toEqual([6]);
  });

  it('round-trips data exactly (stored as JSON text), so hashes survive DynamoDB', async () => {
    const { store } = await auditStore();
    const written = await store.append(
      entry(1, { data: { float: 0.1, big: 12345678901234, empty: '', list: [], obj: {} } }),
    );
    const [read] = await store.execution(written.executionId);
    expect(read).toEqual(written);
  });
});

describe('a table written with the single-chain layout (before per-execution chains)', () => {
  it('stays readable: show, list and verify read it beside new chains', async () => {
    const { store, table } = await auditStore();
    const old = new SinglePartitionAuditStore(ddb, table);
    for (let i = 0; i < 4; i++) await old.append(entry(i));
    await store.append(entry(10, { executionId: 'exec-new' }));
    expect(ids(await store.execution('exec-1'))).toEqual([1]);
    expect(ids(await store.execution('exec-new'))).toEqual([10]);
    expect(ids(await store.list({ limit: 10 }))).toEqual([10, 3, 2, 1, 0]);
    expect(ids(await store.list({ target: 'i-00000000000000001' }))).toEqual([3, 1]);
    expect(await store.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('its truncation is still detected through its own anchor', async () => {
    const { store, table } = await auditStore();
    const old = new SinglePartitionAuditStore(ddb, table);
    for (let i = 0; i < 4; i++) await old.append(entry(i));
    await store.append(entry(10, { executionId: 'exec-new' }));
    await ddb.send(new DeleteCommand({ TableName: table, Key: { chain: 'audit', seq: 4 } }));
    expect(await store.verify()).toMatchObject({
      ok: false,
      entries: 4,
      firstBroken: { seq: 4, reason: expect.stringContaining('removed from the end') },
    });
    expect(
      (await ddb.send(new GetCommand({ TableName: table, Key: HEAD_KEY }))).Item,
    ).toMatchObject({ headSeq: 4 });
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
