/**
 * The per-target lock through the synthesized workflow: it outlasts the approval wait, RemediateStep
 * renews it before acting, and a lock another execution took over is never acted under.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { fixture, scenario, sharedInfra, type Scenario } from './harness.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { STATE_TABLE } from '../../../lambdas/adapters/dynamodb/table-layout.js';

const HOST = 'i-0123456789abcdef0';

const infra = sharedInfra();

async function lockItem(s: Scenario): Promise<Record<string, any> | undefined> {
  const table = (s.locks as unknown as { tableName: string }).tableName;
  return (
    await infra().ddb.send(
      new GetCommand({ TableName: table, Key: { [STATE_TABLE.partitionKey]: lockKey(HOST) } }),
    )
  ).Item;
}

describe('the lock lasts through the approval and is renewed before remediation', () => {
  it('while the approval waits, the lock expires after the approval timeout, not before', async () => {
    let expiresIn = 0;
    let s: Scenario;
    s = await scenario(infra(), {
      config: { approvalTimeoutSeconds: 3600 },
      approvals: {
        waitForDecision: async () => {
          expiresIn = (await lockItem(s))![STATE_TABLE.ttlAttribute] - Date.now() / 1000;
          return { approved: true, approver: 'alice', at: new Date().toISOString() };
        },
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(fixture<any>('alarm-state-change-instance.json'));

    expect(run.output.completion.outcome).toBe('remediated');
    expect(expiresIn).toBeGreaterThan(3600);
  });

  it('a lock another execution took over during the approval: RemediateStep changes nothing and the run fails', async () => {
    let s: Scenario;
    s = await scenario(infra(), {
      approvals: {
        waitForDecision: async () => {
          // The lock expired during a long approval and another execution took the host.
          await s.locks.release(lockKey(HOST), (await lockItem(s))!.owner);
          expect(
            await s.locks.acquire(
              lockKey(HOST),
              'arn:aws:states:us-east-1:123456789012:execution:Paramedic:other',
              3600,
            ),
          ).toBe(true);
          return { approved: true, approver: 'alice', at: new Date().toISOString() };
        },
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(fixture<any>('alarm-state-change-instance.json'));

    expect(s.fleet.actions).toEqual([]);
    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationWorkflowFailed');
    const completed = (await s.audit.execution(run.executionId)).at(-1)!;
    expect(completed).toMatchObject({
      type: 'completed',
      outcome: 'failed',
      data: { failure: { Error: 'LockLostError' } },
    });
    // The other execution's lock is left alone.
    expect((await lockItem(s))!.owner).toMatch(/:other$/);
  });
});
