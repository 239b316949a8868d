/**
 * A lock marked acting (RemediateStep, while its action may still run on the host) is not freed by
 * a release before the action's deadline: the same contract for the DynamoDB store (over dynalite)
 * and the local one (files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLockStore } from '../../../lambdas/adapters/dynamodb/dynamodb-lock-store.js';
import { LocalLockStore } from '../../../lambdas/adapters/local/local-lock-store.js';
import type { Clock, LockStore } from '../../../lambdas/core/workflow/ports.js';
import { LocalDynamo } from '../../unit/handlers/lambda-harness.js';

const dynamo = new LocalDynamo();
let ddb: DynamoDBDocumentClient;
const dirs: string[] = [];

beforeAll(async () => {
  await dynamo.start();
  ddb = DynamoDBDocumentClient.from(dynamo.raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
});
afterAll(async () => {
  await dynamo.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const stores: [string, (clock: Clock) => Promise<LockStore>][] = [
  [
    'DynamoDbLockStore',
    async (clock) => new DynamoDbLockStore(ddb, (await dynamo.tables()).state, clock),
  ],
  [
    'LocalLockStore',
    async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'paramedic-locks-'));
      dirs.push(dir);
      return new LocalLockStore(dir, clock);
    },
  ],
];

const LOCK = 'lock#i-0123456789abcdef0';
const RUN = 'arn:run-a';
const NEXT = 'arn:run-b';

describe.each(stores)('%s: a lock marked acting', (_name, create) => {
  let now: Date;
  const clock = { now: () => now };
  const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);

  it('is kept by a release until the acting deadline, then free for another run', async () => {
    now = new Date('2026-12-05T06:00:00Z');
    const locks = await create(clock);
    const deadline = inSeconds(1500);
    expect(await locks.acquire(LOCK, RUN, 60, deadline)).toBe(true);

    expect(await locks.release(LOCK, RUN)).toEqual({ actingUntil: deadline.toISOString() });

    now = inSeconds(1499); // past the lock's 60 s TTL: the acting deadline holds it
    expect(await locks.acquire(LOCK, NEXT, 7200)).toBe(false);
    now = inSeconds(2);
    expect(await locks.acquire(LOCK, NEXT, 7200)).toBe(true);
  });

  it('is freed by the action returning after a release kept it', async () => {
    now = new Date('2026-12-05T06:00:00Z');
    const locks = await create(clock);
    await locks.acquire(LOCK, RUN, 7200, inSeconds(1500));
    await locks.release(LOCK, RUN);

    expect(await locks.endActing(LOCK, RUN)).toBe(true);

    expect(await locks.acquire(LOCK, NEXT, 7200)).toBe(true);
  });

  it('ends acting when its action returns: the run keeps its lock, and releases it as any other', async () => {
    now = new Date('2026-12-05T06:00:00Z');
    const locks = await create(clock);
    await locks.acquire(LOCK, RUN, 7200, inSeconds(1500));

    expect(await locks.endActing(LOCK, RUN)).toBe(false);

    expect(await locks.acquire(LOCK, NEXT, 7200)).toBe(false);
    expect(await locks.release(LOCK, RUN)).toBe('released');
  });

  it("is the owner's only: another run's release or end of acting changes nothing", async () => {
    now = new Date('2026-12-05T06:00:00Z');
    const locks = await create(clock);
    await locks.acquire(LOCK, RUN, 7200, inSeconds(1500));

    expect(await locks.release(LOCK, NEXT)).toBe('not-held');
    expect(await locks.endActing(LOCK, NEXT)).toBe(false);

    expect(await locks.release(LOCK, RUN)).toEqual({ actingUntil: inSeconds(1500).toISOString() });
  });

  it('is cleared by a renewal without a deadline (the step that acted has returned)', async () => {
    now = new Date('2026-12-05T06:00:00Z');
    const locks = await create(clock);
    await locks.acquire(LOCK, RUN, 7200, inSeconds(1500));
    await locks.acquire(LOCK, RUN, 7200);

    expect(await locks.release(LOCK, RUN)).toBe('released');
  });
});
