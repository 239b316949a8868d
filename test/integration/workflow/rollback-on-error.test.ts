/**
 * An error once remediation has begun goes through Escalate's rollback, through the synthesized
 * workflow: node-disk-pressure cordons the node first, and a run that fails after the cordon (a
 * throttled lock renewal before the drain, a `step` entry that cannot be written) uncordons it
 * before releasing its lock, and still ends Failed with the error recorded. Real steps, the local
 * Kubernetes API server, dynalite and s3rver; only the nodes' SSM side is simulated.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditStore, LockStore } from '../../../lambdas/core/workflow/ports.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { WORKFLOW_FAILED_ERROR } from '../../../lambdas/core/workflow/end-states.js';
import { startLocalCluster, type LocalCluster } from '../kubernetes/local-cluster.js';
import { loadScenario } from '../kubernetes/scenario-loader.js';
import { alarm, eksScenario } from './eks-world.js';
import { startInfra, type LocalInfra, type Scenario } from './harness.js';

const TOKEN = 'k8s-aws-v1.rollback-on-error';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60701';

let infra: LocalInfra;
let cluster: LocalCluster;
beforeAll(async () => {
  infra = await startInfra();
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
});
afterAll(async () => {
  await cluster?.stop();
  await infra?.stop();
});
beforeEach(() => cluster.server.load(loadScenario('node-disk-pressure-node')));

const cordoned = () =>
  cluster.server.objects('nodes').find((n) => n.metadata.name === NODE)!.spec.unschedulable ===
  true;

function throttled(): Error {
  const e = new Error('Rate of requests exceeds the allowed throughput');
  e.name = 'ProvisionedThroughputExceededException';
  return e;
}

/** node-disk-pressure on the recorded node, approved; `ports` replace the world's. */
async function diskPressureRun(
  ports: (s: () => Scenario) => Parameters<typeof eksScenario>[0]['ports'],
) {
  let world: Awaited<ReturnType<typeof eksScenario>> | undefined;
  world = await eksScenario({ infra, cluster, ports: ports(() => world!.s) });
  world.fleet.nodes.set(INSTANCE, {
    evidence: 'node-disk-pressure-node.json',
    healthy: false,
    repair: () => undefined,
  });
  const run = await world.s.execute(alarm('eks-node-filesystem-no-instance.json'));
  return { s: world.s, run, trail: await world.s.audit.execution(run.executionId) };
}

describe('a run that fails after changing a host rolls back what it changed', () => {
  it('cordoned, then the lock renewal before the drain is throttled: the node is uncordoned, the lock released, the run Failed', async () => {
    let throttledOnce = false;
    const { s, run, trail } = await diskPressureRun((s) => ({
      locks: {
        // The renewal RemediateStep makes before step 2 (the drain): the node is cordoned by then.
        acquire: async (key, owner, ttl, acting) => {
          if (cordoned() && !throttledOnce) {
            throttledOnce = true;
            throw throttled();
          }
          return s().locks.acquire(key, owner, ttl, acting);
        },
        release: (key, owner) => s().locks.release(key, owner),
        leaseOwner: (key) => s().locks.leaseOwner(key),
        endActing: (key, owner) => s().locks.endActing(key, owner),
      } satisfies LockStore,
    }));

    expect(throttledOnce).toBe(true);
    expect(cordoned()).toBe(false);
    expect((run.error?.cause as Error | undefined)?.name).toBe(WORKFLOW_FAILED_ERROR);
    const types = trail.map((e) => e.type);
    // The drain never started; the cordon was undone before the lock was released.
    expect(types.filter((t) => t === 'step-started' || t === 'step')).toEqual([
      'step-started',
      'step',
    ]);
    expect(types.slice(types.indexOf('step') + 1)).toEqual([
      'rolling-back',
      'rolled-back',
      'escalated',
      'released',
      'completed',
    ]);
    expect(trail.find((e) => e.type === 'rolled-back')).toMatchObject({
      data: {
        status: 'rolled-back',
        steps: [{ undoes: 0, action: 'k8s-uncordon-node', outcomes: [{ status: 'succeeded' }] }],
      },
    });
    expect(trail.at(-1)).toMatchObject({
      type: 'completed',
      outcome: 'failed',
      data: { failure: { Error: 'ProvisionedThroughputExceededException' } },
    });
    expect(s.notifier.messages.map((m) => m.kind)).toEqual(['approval', 'escalation', 'report']);
    expect(s.notifier.messages[1]!.subject).toContain('node-disk-pressure');
    expect(await s.locks.leaseOwner(lockKey(INSTANCE))).toBeUndefined();
  });

  it("the cordon's `step` entry cannot be written: its `step-started` intent stays, the node is uncordoned all the same, the run Failed", async () => {
    const { s, run, trail } = await diskPressureRun((s) => ({
      audit: {
        append: async (entry) => {
          if (entry.type === 'step') throw throttled();
          return s().audit.append(entry);
        },
        execution: (id) => s().audit.execution(id),
        list: (filter) => s().audit.list(filter),
        verify: () => s().audit.verify(),
      } satisfies AuditStore,
    }));

    expect(cordoned()).toBe(false);
    expect((run.error?.cause as Error | undefined)?.name).toBe(WORKFLOW_FAILED_ERROR);
    // The trail names the action that ran though its outcome was never recorded, and the undo says so.
    expect(trail.find((e) => e.type === 'step-started')).toMatchObject({
      data: { step: 0, action: 'k8s-cordon-node', targets: [INSTANCE] },
    });
    expect(trail.some((e) => e.type === 'step')).toBe(false);
    expect(trail.find((e) => e.type === 'rolling-back')).toMatchObject({
      data: { steps: [{ undoes: 0, action: 'k8s-uncordon-node' }], outcomeUnknown: [0] },
    });
    expect(trail.find((e) => e.type === 'rolled-back')).toMatchObject({
      data: { status: 'rolled-back' },
    });
    expect(trail.at(-1)).toMatchObject({
      type: 'completed',
      outcome: 'failed',
      data: { failure: { Error: 'ProvisionedThroughputExceededException' } },
    });
    expect(await s.locks.leaseOwner(lockKey(INSTANCE))).toBeUndefined();
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it("cordoned, then the lock is found taken by another execution: nothing is undone (it could undo that execution's work), people are told to check", async () => {
    const other = 'arn:aws:states:us-east-1:123456789012:execution:Paramedic:other';
    let takenOver = false;
    const { s, run, trail } = await diskPressureRun((s) => ({
      locks: {
        // The lease ran out after the cordon and another execution took the node.
        acquire: async (key, owner, ttl, acting) => {
          if (cordoned() && !takenOver) {
            takenOver = true;
            await s().locks.release(key, owner);
            await s().locks.acquire(key, other, ttl);
          }
          return s().locks.acquire(key, owner, ttl, acting);
        },
        release: (key, owner) => s().locks.release(key, owner),
        leaseOwner: (key) => s().locks.leaseOwner(key),
        endActing: (key, owner) => s().locks.endActing(key, owner),
      } satisfies LockStore,
    }));

    expect(takenOver).toBe(true);
    expect(cordoned()).toBe(true);
    expect((run.error?.cause as Error | undefined)?.name).toBe(WORKFLOW_FAILED_ERROR);
    expect(trail.some((e) => e.type === 'rolling-back')).toBe(false);
    expect(trail.find((e) => e.type === 'escalated')).toMatchObject({
      data: {
        reason: expect.stringMatching(
          /^remediation stopped on an error: LockLostError: .*Check the hosts$/,
        ),
      },
    });
    expect(await s.locks.leaseOwner(lockKey(INSTANCE))).toBe(other);
  });
});
