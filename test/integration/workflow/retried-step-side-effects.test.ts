/**
 * Review repro (review2): side effects of a retried Task that the trail does not yet record.
 * Escalate looks for a `rolled-back` entry before undoing, but that entry is written only after
 * every undo ran: a throw at (or before) that write makes the retry undo the steps again.
 * ReleaseLock records only what the current attempt freed: a retry after a failed append finds
 * the locks gone (not held) and records `released: []`, so the trail never names the freed hosts.
 * Both tests FAIL on the merged main; they pass once the steps record (or reuse) what an earlier
 * attempt did before redoing it.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra } from './harness.js';
import type { AuditEventType } from '../../../lambdas/core/audit/audit-entry.js';
import type { ActionExecutor, AuditStore } from '../../../lambdas/core/workflow/ports.js';

const HOST = 'i-0123456789abcdef0';
const NODE = 'ip-10-0-1-23.ec2.internal';
const infra = sharedInfra();

/** An audit store over the scenario's, failing the first append of one type (a throttled table). */
function failingFirstAppendOf(type: AuditEventType): {
  store: AuditStore;
  over(a: AuditStore): void;
} {
  let inner: AuditStore | undefined;
  let failed = false;
  const store: AuditStore = {
    async append(entry) {
      if (entry.type === type && !failed) {
        failed = true;
        const e = new Error(`Throughput exceeded appending ${type}`);
        e.name = 'ProvisionedThroughputExceededException';
        throw e;
      }
      return inner!.append(entry);
    },
    execution: (id) => inner!.execution(id),
    list: (filter) => inner!.list(filter),
    verify: () => inner!.verify(),
  };
  return { store, over: (a) => (inner = a) };
}

describe('an Escalate retried after its rollback ran but was not recorded', () => {
  it('does not run the undo actions a second time', { timeout: 120_000 }, async () => {
    const uncordons: string[] = [];
    const kubernetes: ActionExecutor = {
      async execute(step, targets) {
        return targets.map((t) => {
          const node = step.invocations.find((i) => i.target === t.id)!.parameters.node!;
          if (step.action === 'k8s-uncordon-node') uncordons.push(node);
          return {
            step: step.index,
            action: step.action,
            target: t.id,
            status: 'succeeded' as const,
            detail: 'patched',
          };
        });
      },
    };
    const audit = failingFirstAppendOf('rolled-back');
    const s = await scenario(infra(), {
      approvals: {
        waitForDecision: async () => ({
          approved: true,
          approver: 'erin',
          at: '2026-11-23T09:05:00Z',
        }),
      },
      ports: {
        executors: { kubernetes },
        targets: { instancesOfGroup: async () => [], instanceOfNode: async () => HOST },
        audit: audit.store,
      },
      retryIntervalOverrides: { Escalate: 0 },
    });
    audit.over(s.audit);
    s.fleet.hosts.set(HOST, {
      fault: 'disk-full',
      fix: 'fails',
      sections: {
        'k8s.cluster': {
          output: `$ kubectl get nodes\nNAME                        STATUS     ROLES    AGE   VERSION\n${NODE}   NotReady   <none>   9d    v1.29.3-eks-ae9a62a\nip-10-0-1-24.ec2.internal   Ready      <none>   9d    v1.29.3-eks-ae9a62a\n`,
        },
        'k8s.node': {
          output: `Conditions:\n  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message\n  ----             ------    -----------------                 ------------------                ------              -------\n  Ready            Unknown   Mon, 23 Nov 2026 08:50:00 +0000   Mon, 23 Nov 2026 08:52:00 +0000   NodeStatusUnknown   Kubelet stopped posting node status.\n`,
        },
      },
    });

    const run = await s.execute({
      runbookId: 'node-not-ready',
      target: `eks:prod/${NODE}`,
      mode: 'execute',
      invokedBy: 'erin',
    });

    expect((run.error!.cause as Error).name).toBe('RemediationEscalated');
    // On main: [NODE, NODE]: the first attempt's undo ran, its `rolled-back` append threw, and the
    // retry found no `rolled-back` entry and undid the step again.
    expect(uncordons).toEqual([NODE]);
    // The retry found the intent without its result: the rollback is reported unknown, for people to check.
    const trail = await s.audit.execution(run.executionId);
    expect(trail.filter((e) => e.type === 'rolling-back')).toHaveLength(1);
    const rolledBack = trail.filter((e) => e.type === 'rolled-back');
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]!.data).toMatchObject({
      status: 'unknown',
      steps: [{ action: 'k8s-uncordon-node', outcomes: [] }],
      check: expect.stringContaining('check on each host'),
    });
    expect(trail.find((e) => e.type === 'escalated')?.data).toMatchObject({
      rolledBack: 'unknown',
    });
  });
});

describe('a ReleaseLock retried after its `released` append failed', () => {
  it('still records the host whose lock it freed', { timeout: 120_000 }, async () => {
    const audit = failingFirstAppendOf('released');
    const s = await scenario(infra(), {
      ports: { audit: audit.store },
      retryIntervalOverrides: { ReleaseLock: 0 },
    });
    audit.over(s.audit);
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    const trail = await s.audit.execution(run.executionId);
    expect(trail.filter((e) => e.type === 'locked')).toHaveLength(1);
    const freed = trail.flatMap((e) => (e.type === 'released' ? e.data.released : []));
    // On main: [] (the retry found the lock already gone and recorded `released: []`, which the CLI
    // shows as "no lock was held").
    expect(freed).toContain(HOST);
  });
});
