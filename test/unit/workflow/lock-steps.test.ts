/**
 * AcquireLock and ReleaseLock over both lock adapters (files locally, DynamoDB on dynalite): a
 * release never depends on AcquireLock having returned, touches only this execution's locks, and a
 * release that fails is recorded and thrown, never dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalLockStore } from '../../../lambdas/adapters/local/local-lock-store.js';
import { DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { DynamoDbLockStore } from '../../../lambdas/adapters/dynamodb/dynamodb-lock-store.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { LockReleaseError, releaseLocks } from '../../../lambdas/core/workflow/lock-release.js';
import type { IntakeResult } from '../../../lambdas/core/workflow/model.js';
import type { AuditStore, LockStore, StateStore } from '../../../lambdas/core/workflow/ports.js';
import { runAcquireLock } from '../../../lambdas/core/workflow/steps/acquire-lock.js';
import { runReleaseLock } from '../../../lambdas/core/workflow/steps/release-lock.js';
import { LocalDynamo } from '../handlers/lambda-harness.js';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';

const clock = { now: () => new Date() };
const ME = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:me';
const OTHER = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:other';
const HOSTS = ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'];

const intake: IntakeResult = {
  executionId: ME,
  trigger: { kind: 'alarm', actor: 'alarm:disk', alarmName: 'disk', at: '2026-12-03T10:00:00Z' },
  mode: 'execute',
  targets: HOSTS.map((id) => ({ id, platform: 'docker' as const })),
  duplicate: false,
  dedupeKey: 'dedupe#disk',
  startedAt: '2026-12-03T10:00:00Z',
};

/** As the SDK throws it: the HTTP status and request id ride in `$metadata`. */
function throttled(): Error {
  const e = new Error('Throughput exceeds the current capacity of your table');
  e.name = 'ProvisionedThroughputExceededException';
  return Object.assign(e, { $metadata: { httpStatusCode: 400, requestId: 'REQ1' } });
}

const dirs: string[] = [];
const dynamo = new LocalDynamo();
beforeAll(() => dynamo.start());
afterAll(async () => {
  await dynamo.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-lock-steps-'));
  dirs.push(dir);
  return dir;
}

const adapters: [string, () => Promise<{ locks: LockStore; state: StateStore }>][] = [
  [
    'LocalLockStore',
    async () => {
      const dir = tempDir();
      return { locks: new LocalLockStore(dir, clock), state: new LocalStateStore(dir, clock) };
    },
  ],
  [
    'DynamoDbLockStore',
    async () => {
      const table = (await dynamo.tables()).state;
      return {
        locks: new DynamoDbLockStore(dynamo.doc, table, clock),
        state: new DynamoDbStateStore(dynamo.doc, table, clock),
      };
    },
  ],
];

describe.each(adapters)('lock steps over %s', (_name, makeStores) => {
  async function world(wrap: (locks: LockStore) => LockStore = (l) => l) {
    const { locks, state } = await makeStores();
    const audit = new LocalAuditStore(tempDir());
    const config = resolveWorkflowConfig({});
    return {
      locks,
      ports: { locks: wrap(locks), audit, state, config, errorWording: awsErrorWording },
      audit,
    };
  }

  it("release says whether it freed this owner's lock", async () => {
    const { locks } = await world();
    expect(await locks.acquire(lockKey(HOSTS[0]!), ME, 60)).toBe(true);
    expect(await locks.release(lockKey(HOSTS[0]!), OTHER)).toBe('not-held');
    expect(await locks.release(lockKey(HOSTS[0]!), ME)).toBe('released');
    expect(await locks.release(lockKey(HOSTS[0]!), ME)).toBe('not-held');
    expect(await locks.leaseOwner!(lockKey(HOSTS[0]!))).toBeUndefined();
  });

  it('AcquireLock releases the locks it took when a write throws part-way, then fails', async () => {
    const { locks, ports } = await world((l) => ({
      acquire: async (key, owner, ttl) => {
        if (key === lockKey(HOSTS[2]!)) throw throttled();
        return l.acquire(key, owner, ttl);
      },
      release: (key, owner) => l.release(key, owner),
      endActing: (key, owner) => l.endActing(key, owner),
    }));

    await expect(
      runAcquireLock({ executionId: ME, state: { intake } }, ports, clock),
    ).rejects.toThrow(/capacity/);

    for (const id of HOSTS) expect(await locks.leaseOwner!(lockKey(id))).toBeUndefined();
  });

  it('ReleaseLock frees the locks of an AcquireLock that never returned, and leaves the others alone', async () => {
    const { locks, ports, audit } = await world();
    // AcquireLock timed out after two locks: the Catch brings the run to ReleaseLock without `$.lock`.
    await locks.acquire(lockKey(HOSTS[0]!), ME, 7200);
    await locks.acquire(lockKey(HOSTS[1]!), ME, 7200);
    await locks.acquire(lockKey(HOSTS[2]!), OTHER, 7200);

    const result = await runReleaseLock(
      { executionId: ME, state: { intake, failure: { Error: 'States.Timeout' } } },
      ports,
      clock,
    );

    expect(result).toEqual({ released: [HOSTS[0], HOSTS[1]] });
    expect(await locks.leaseOwner!(lockKey(HOSTS[0]!))).toBeUndefined();
    expect(await locks.leaseOwner!(lockKey(HOSTS[1]!))).toBeUndefined();
    expect(await locks.leaseOwner!(lockKey(HOSTS[2]!))).toBe(OTHER);
    expect((await audit.execution(ME)).at(-1)).toMatchObject({
      type: 'released',
      data: { released: [HOSTS[0], HOSTS[1]] },
    });
  });

  it('ReleaseLock records the releases that failed, frees the rest, and throws LockReleaseError', async () => {
    const { locks, ports, audit } = await world((l) => ({
      acquire: (key, owner, ttl) => l.acquire(key, owner, ttl),
      endActing: (key, owner) => l.endActing(key, owner),
      release: async (key, owner) => {
        if (key === lockKey(HOSTS[1]!)) throw throttled();
        return l.release(key, owner);
      },
    }));
    for (const id of HOSTS) await locks.acquire(lockKey(id), ME, 7200);

    const error = await runReleaseLock(
      {
        executionId: ME,
        state: { intake, lock: { acquired: true, attempts: 1, gaveUp: false, owner: ME } },
      },
      ports,
      clock,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LockReleaseError);
    expect(error).toMatchObject({ failed: [HOSTS[1]], message: expect.stringContaining(HOSTS[1]) });
    expect((await audit.execution(ME)).at(-1)).toMatchObject({
      type: 'released',
      data: {
        released: [HOSTS[0], HOSTS[2]],
        failed: [HOSTS[1]],
        error:
          'ProvisionedThroughputExceededException: Throughput exceeds the current capacity of your table (HTTP 400, request id REQ1)',
      },
    });
    expect(await locks.leaseOwner!(lockKey(HOSTS[1]!))).toBe(ME);
  });

  it('a first attempt does not count as freed a lock whose lease ran out (taken by another run, or gone)', async () => {
    const { locks, ports, audit } = await world();
    await runAcquireLock({ executionId: ME, state: { intake } }, ports, clock);
    // The leases of HOSTS[0] and HOSTS[1] ran out: another run took the one, the other's item is gone.
    await locks.release(lockKey(HOSTS[0]!), ME);
    await locks.acquire(lockKey(HOSTS[0]!), OTHER, 7200);
    await locks.release(lockKey(HOSTS[1]!), ME);

    const result = await runReleaseLock({ executionId: ME, state: { intake } }, ports, clock);

    expect(result).toEqual({ released: [HOSTS[2]] });
    expect((await audit.execution(ME)).at(-1)).toMatchObject({
      type: 'released',
      data: { released: [HOSTS[2]], notHeld: [HOSTS[0], HOSTS[1]] },
    });
    expect((await audit.execution(ME)).at(-1)!.data).not.toHaveProperty('retried');
    expect(await locks.leaseOwner!(lockKey(HOSTS[0]!))).toBe(OTHER);
  });

  it('a retry after a `released` append that threw names the locks an earlier attempt may have freed apart, never as freed by itself', async () => {
    const { locks, ports, audit } = await world();
    await runAcquireLock({ executionId: ME, state: { intake } }, ports, clock);
    let refuse = true;
    const failingAppend: AuditStore = Object.assign(Object.create(audit), {
      append: (input: Parameters<AuditStore['append']>[0]) => {
        if (input.type === 'released' && refuse) {
          refuse = false;
          return Promise.reject(throttled());
        }
        return audit.append(input);
      },
    });
    await expect(
      runReleaseLock(
        { executionId: ME, state: { intake } },
        { ...ports, audit: failingAppend },
        clock,
      ),
    ).rejects.toThrow(/capacity/);

    const result = await runReleaseLock({ executionId: ME, state: { intake } }, ports, clock);

    expect(result).toEqual({ released: [] });
    for (const id of HOSTS) expect(await locks.leaseOwner!(lockKey(id))).toBeUndefined();
    const released = (await audit.execution(ME)).filter((e) => e.type === 'released');
    expect(released.map((e) => e.data)).toEqual([{ released: [], notHeld: HOSTS, retried: true }]);
  });

  it('a retried ReleaseLock names only what the trail does not yet record as freed, never a lock it did not take', async () => {
    let failOnce = true;
    const { locks, ports, audit } = await world((l) => ({
      acquire: (key, owner, ttl) => l.acquire(key, owner, ttl),
      endActing: (key, owner) => l.endActing(key, owner),
      release: async (key, owner) => {
        if (key === lockKey(HOSTS[1]!) && failOnce) {
          failOnce = false;
          throw throttled();
        }
        return l.release(key, owner);
      },
    }));
    const two = { ...intake, targets: intake.targets.slice(0, 2) };
    await runAcquireLock({ executionId: ME, state: { intake: two } }, ports, clock);
    await locks.acquire(lockKey(HOSTS[2]!), OTHER, 7200);
    await expect(
      runReleaseLock({ executionId: ME, state: { intake: two } }, ports, clock),
    ).rejects.toBeInstanceOf(LockReleaseError);

    const result = await runReleaseLock({ executionId: ME, state: { intake } }, ports, clock);

    expect(result).toEqual({ released: [HOSTS[1]] });
    expect(await locks.leaseOwner!(lockKey(HOSTS[2]!))).toBe(OTHER);
    const released = (await audit.execution(ME)).filter((e) => e.type === 'released');
    expect(released.map((e) => e.data)).toEqual([
      { released: [HOSTS[0]], failed: [HOSTS[1]], error: expect.any(String) },
      { released: [HOSTS[1]], retried: true },
    ]);
  });
});

describe('releaseLocks at the largest fleet', () => {
  it('releases 1,000 locks a bounded number at a time, reporting them in target order', async () => {
    let inFlight = 0;
    let peak = 0;
    const ids = Array.from({ length: 1000 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    const locks: LockStore = {
      acquire: async () => true,
      endActing: async () => false,
      release: async (key) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        inFlight--;
        return key.endsWith('7') ? 'not-held' : 'released';
      },
    };

    const report = await releaseLocks({ locks, errorWording: awsErrorWording }, ME, ids);

    expect(peak).toBe(25);
    expect(report.released).toHaveLength(900);
    expect(report.notHeld).toEqual(ids.filter((id) => id.endsWith('7')));
    expect(report.released).toEqual(ids.filter((id) => !id.endsWith('7')));
    expect(report.failed).toEqual([]);
  });
});
