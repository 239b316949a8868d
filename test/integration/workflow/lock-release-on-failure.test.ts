/**
 * The per-target locks are given back however a run ends, through the synthesized workflow: when
 * AcquireLock fails part-way (a throttled conditional write after its retries, or its Task timing
 * out with some locks taken, where it can clean up nothing), ReleaseLock frees every lock this
 * execution owns without asking whether AcquireLock returned. When ReleaseLock itself fails after
 * its retries, the run records it, ends in `LocksNotReleased` rather than `Done`, and the
 * ExecutionInterrupted function retries the release.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { fixture, scenario, sharedInfra, type Scenario } from './harness.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { STATE_TABLE } from '../../../lambdas/adapters/dynamodb/table-layout.js';
import type { LockStore } from '../../../lambdas/core/workflow/ports.js';
import { LOCKS_NOT_RELEASED_ERROR } from '../../../lambdas/core/workflow/end-states.js';
import { closeInterruptedExecution } from '../../../lambdas/core/workflow/close-interrupted-execution.js';

const FLEET = ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003'];
const HOST = 'i-0123456789abcdef0';
const infra = sharedInfra();

async function lockOwner(s: Scenario, id: string): Promise<string | undefined> {
  const table = (s.locks as unknown as { tableName: string }).tableName;
  const item = (
    await infra().ddb.send(
      new GetCommand({ TableName: table, Key: { [STATE_TABLE.partitionKey]: lockKey(id) } }),
    )
  ).Item;
  return item?.owner;
}

function throttled(): Error {
  const e = new Error('Throughput exceeds the current capacity of your table');
  e.name = 'ProvisionedThroughputExceededException';
  return e;
}

const fleetTargets = { instancesOfGroup: async () => FLEET, instanceOfNode: async () => undefined };

describe('AcquireLock failing part-way leaves no target locked', () => {
  it('a conditional write throttled past its retries: the locks already taken are freed', {
    timeout: 120_000,
  }, async () => {
    let s: Scenario;
    // DynamoDB keeps throttling the last target's conditional write (the SDK's own retries exhausted).
    const flakyLocks: LockStore = {
      acquire: async (key, owner, ttl) => {
        if (key === lockKey(FLEET[2]!)) throw throttled();
        return s.locks.acquire(key, owner, ttl);
      },
      release: (key, owner) => s.locks.release(key, owner),
      endActing: (key, owner) => s.locks.endActing(key, owner),
    };
    s = await scenario(infra(), {
      ports: { locks: flakyLocks, targets: fleetTargets },
      retryIntervalOverrides: { AcquireLock: 0 },
    });

    const run = await s.execute(fixture('alarm-state-change-asg.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationWorkflowFailed');
    const trail = await s.audit.execution(run.executionId);
    expect(trail.at(-1)).toMatchObject({
      type: 'completed',
      data: { failure: { Error: 'ProvisionedThroughputExceededException' } },
    });
    expect(await lockOwner(s, FLEET[0]!)).toBeUndefined();
    expect(await lockOwner(s, FLEET[1]!)).toBeUndefined();
  });

  it('its Task timing out after taking two locks (nothing ran its cleanup): ReleaseLock frees them', {
    timeout: 120_000,
  }, async () => {
    let s: Scenario;
    s = await scenario(infra(), {
      ports: { targets: fleetTargets },
      // The Lambda is killed at its timeout: the locks it took stay, and `$.lock` is never written.
      taskOverrides: {
        AcquireLock: async (raw) => {
          const { executionId } = raw as { executionId: string };
          await s.locks.acquire(lockKey(FLEET[0]!), executionId, 7200);
          await s.locks.acquire(lockKey(FLEET[1]!), executionId, 7200);
          const e = new Error('Task timed out after 60.00 seconds');
          e.name = 'States.Timeout';
          throw e;
        },
      },
    });
    // Another execution holds the third host: ReleaseLock must leave its lock alone.
    const other = 'arn:aws:states:us-east-1:123456789012:execution:Paramedic:other';
    await s.locks.acquire(lockKey(FLEET[2]!), other, 7200);

    const run = await s.execute(fixture('alarm-state-change-asg.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationWorkflowFailed');
    expect(run.state.lock).toBeUndefined();
    const trail = await s.audit.execution(run.executionId);
    expect(trail.find((e) => e.type === 'released')).toMatchObject({
      data: { released: [FLEET[0], FLEET[1]] },
    });
    expect(trail.at(-1)).toMatchObject({
      type: 'completed',
      outcome: 'failed',
      data: { failure: { Error: 'States.Timeout' } },
    });
    expect(await lockOwner(s, FLEET[0]!)).toBeUndefined();
    expect(await lockOwner(s, FLEET[1]!)).toBeUndefined();
    expect(await lockOwner(s, FLEET[2]!)).toBe(other);
  });
});

describe('ReleaseLock failing after its retries', () => {
  it('is recorded, ends the run in LocksNotReleased with its outcome kept, and ExecutionInterrupted frees the locks', {
    timeout: 120_000,
  }, async () => {
    let s: Scenario;
    let releaseBroken = false;
    const locks: LockStore = {
      acquire: (key, owner, ttl) => s.locks.acquire(key, owner, ttl),
      endActing: (key, owner) => s.locks.endActing(key, owner),
      release: async (key, owner) => {
        if (releaseBroken) throw throttled();
        return s.locks.release(key, owner);
      },
    };
    s = await scenario(infra(), {
      ports: { locks },
      approvals: {
        waitForDecision: async () => ({
          approved: true,
          approver: 'alice',
          at: new Date().toISOString(),
        }),
      },
      retryIntervalOverrides: { ReleaseLock: 0 },
      onTask: (task) => {
        if (task === 'Verify') releaseBroken = true; // the table throttles from the end of the run on
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe(LOCKS_NOT_RELEASED_ERROR);
    const trail = await s.audit.execution(run.executionId);
    const releases = trail.filter((e) => e.type === 'released');
    expect(releases).toHaveLength(4); // the first attempt and its three retries
    for (const r of releases)
      expect(r).toMatchObject({
        data: {
          released: [],
          failed: [HOST],
          error: expect.stringContaining('ProvisionedThroughputExceededException'),
        },
      });
    // The host was fixed: the outcome says so, and the failed release is recorded beside it.
    expect(trail.at(-1)).toMatchObject({
      type: 'completed',
      outcome: 'remediated',
      data: { releaseFailure: { Error: 'LockReleaseError' } },
    });
    expect(s.notifier.messages.at(-1)?.subject).toContain('target locks NOT released');
    expect(await lockOwner(s, HOST)).toBe(run.executionId);

    // Step Functions reports the FAILED execution; its handler retries the release.
    releaseBroken = false;
    const ended = {
      executionArn: run.executionId,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Paramedic',
      status: 'FAILED' as const,
      startedAt: trail[0]!.at,
      error: LOCKS_NOT_RELEASED_ERROR,
    };
    const clock = { now: () => new Date() };
    const closing = await closeInterruptedExecution(ended, s.ports, clock);

    expect(closing).toMatchObject({ closed: false, released: [HOST] });
    expect(await lockOwner(s, HOST)).toBeUndefined();
    expect((await s.audit.execution(run.executionId)).at(-1)).toMatchObject({
      type: 'released',
      actor: 'system',
      data: { released: [HOST] },
    });
    // A redelivered event finds the release done.
    expect(await closeInterruptedExecution(ended, s.ports, clock)).not.toHaveProperty('released');
    expect(await s.audit.verify()).toMatchObject({ ok: true });
  });
});
