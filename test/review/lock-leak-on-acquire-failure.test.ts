/**
 * Review reproduction: AcquireLock takes the targets' locks one by one. When it fails part-way (a
 * DynamoDB error that outlasts the Task's retries, or the 60 s Task timeout at 1,000 targets), its
 * Catch sends the run to ReleaseLock with `$.failure` and no `$.lock`, and ReleaseLock releases
 * nothing (`if (!state.lock?.acquired)`). Complete then records the run as completed, so the
 * ExecutionInterrupted Lambda leaves it alone too: the locks already taken stay until their TTL
 * (approval timeout + 1 h, up to 7 days + 1 h), and every later alarm on those hosts gives up busy.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { fixture, scenario, sharedInfra, type Scenario } from '../integration/workflow/harness.js';
import { lockKey } from '../../lambdas/core/workflow/dedupe.js';
import { STATE_TABLE } from '../../lambdas/adapters/dynamodb/table-layout.js';
import type { LockStore } from '../../lambdas/core/workflow/ports.js';

const FLEET = ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003'];
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

describe('AcquireLock failing part-way', () => {
  it('leaves no target locked once the run has ended', { timeout: 120_000 }, async () => {
    let s: Scenario;
    // DynamoDB keeps throttling the last target's conditional write (the SDK's own retries exhausted).
    const flakyLocks: LockStore = {
      acquire: async (key, owner, ttl) => {
        if (key === lockKey(FLEET[2]!)) {
          const e = new Error('Throughput exceeds the current capacity of your table');
          e.name = 'ProvisionedThroughputExceededException';
          throw e;
        }
        return s.locks.acquire(key, owner, ttl);
      },
      release: (key, owner) => s.locks.release(key, owner),
    };
    s = await scenario(infra(), {
      ports: {
        locks: flakyLocks,
        targets: { instancesOfGroup: async () => FLEET, instanceOfNode: async () => undefined },
      },
    });

    const run = await s.execute(fixture('alarm-state-change-asg.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationWorkflowFailed');
    const trail = await s.audit.execution(run.executionId);
    expect(trail.at(-1)).toMatchObject({ type: 'completed' });
    // The run is over and recorded as completed; the first two hosts must be free again.
    expect(await lockOwner(s, FLEET[0]!)).toBeUndefined();
    expect(await lockOwner(s, FLEET[1]!)).toBeUndefined();
  });
});
