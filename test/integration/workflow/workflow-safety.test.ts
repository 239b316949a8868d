import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario, startInfra, type LocalInfra } from './harness.js';
import type { ActionExecutor } from '../../../lambdas/core/workflow/ports.js';

const HOST = 'i-0123456789abcdef0';

let infra: LocalInfra;
beforeAll(async () => {
  infra = await startInfra();
});
afterAll(async () => {
  await infra.stop();
});

const df = (usePercent: number) => ({
  'disk.df': {
    output: `Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   30G   ${Math.round((30 * usePercent) / 100)}G   ${30 - Math.round((30 * usePercent) / 100)}G ${usePercent}% /\n`,
  },
  'docker.cli': {
    output:
      'failed to register layer: write /var/lib/docker/overlay2/x/diff/y: no space left on device\n',
  },
});

describe('safety you can declare: preconditions in a local run of the synthesized workflow', () => {
  it('a forced disk-full run on a host with space again is refused by its precondition: plan, audit and outcome say why, nothing runs', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'disk-full', sections: df(41) });

    const run = await s.execute({
      runbookId: 'disk-full',
      target: HOST,
      mode: 'execute',
      invokedBy: 'dave',
    });

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.plan.decision).toBe('escalate');
    expect(run.state.plan.reason).toMatch(
      /^refused by preconditions: i-0123456789abcdef0: precondition space-is-low \(not met/,
    );
    expect(run.state.plan.targets).toEqual([]);
    expect(run.state.plan.steps).toEqual([]);
    expect(
      run.state.plan.preconditions.every((p: any) => p.id === 'space-is-low' && p.held === false),
    ).toBe(true);
    expect(run.state.completion.outcome).toBe('escalated');
    expect(s.fleet.actions).toEqual([]);
    const entries = await s.audit.execution(run.executionId);
    expect(entries.map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'preconditions',
      'escalated',
      'released',
      'completed',
    ]);
    const recorded = entries.find((e) => e.type === 'preconditions')!;
    expect(recorded.data).toMatchObject({
      held: [{ target: HOST, reason: expect.stringContaining('space-is-low') }],
    });
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it('the same run on a host still 100% full passes the precondition and runs the steps', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'disk-full', sections: df(100) });

    const run = await s.execute({
      runbookId: 'disk-full',
      target: HOST,
      mode: 'execute',
      invokedBy: 'dave',
    });

    expect(run.output.plan.decision).toBe('automatic');
    expect(run.output.plan.preconditions.every((p: any) => p.held === true)).toBe(true);
    expect(s.fleet.actions.map((a) => a.document)).toContain('Paramedic-DockerPruneImages');
  });
});

describe('safety you can undo: rollback in a local run of the synthesized workflow', () => {
  const NODE = 'ip-10-0-1-23.ec2.internal';
  it('a failed runtime restart after a cordon is undone (uncordon), in reverse order, and recorded before the escalation', async () => {
    // The cluster side: a kubernetes executor that keeps each node's schedulability (the hosts are simulated the same way).
    const unschedulable = new Set<string>();
    const calls: string[] = [];
    const kubernetes: ActionExecutor = {
      async execute(step, targets) {
        return targets.map((t) => {
          const node = step.invocations.find((i) => i.target === t.id)!.parameters.node!;
          calls.push(`${step.action} ${node}`);
          if (step.action === 'k8s-cordon-node') unschedulable.add(node);
          if (step.action === 'k8s-uncordon-node') unschedulable.delete(node);
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
    const s = await scenario(infra, {
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
      },
    });
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

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.plan.steps.map((st: any) => st.action)).toEqual([
      'k8s-cordon-node',
      'k8s-drain-node',
      'node-restart-runtime',
      'k8s-uncordon-node',
    ]);
    expect(run.state.remediation.failed).toBe(true);
    // The drain has no inverse (evicted pods are rescheduled by their controllers); the cordon's is the uncordon.
    expect(calls).toEqual([
      `k8s-cordon-node ${NODE}`,
      `k8s-drain-node ${NODE}`,
      `k8s-uncordon-node ${NODE}`,
    ]);
    expect(unschedulable.size).toBe(0);
    expect(run.state.escalation.rollback).toMatchObject({
      status: 'rolled-back',
      steps: [{ undoes: 0, action: 'k8s-uncordon-node', outcomes: [{ status: 'succeeded' }] }],
    });
    expect(run.state.completion.outcome).toBe('escalated');
    const entries = await s.audit.execution(run.executionId);
    const types = entries.map((e) => e.type);
    expect(types.slice(types.indexOf('planned'))).toEqual([
      'planned',
      'preconditions',
      'approval-requested',
      'approval',
      'step-started',
      'step',
      'step-started',
      'step',
      'step-started',
      'step',
      'rolling-back',
      'rolled-back',
      'escalated',
      'released',
      'completed',
    ]);
    expect(entries.find((e) => e.type === 'escalated')!.data).toMatchObject({
      rolledBack: 'rolled-back',
      reason: expect.stringContaining('step failed: node-restart-runtime'),
    });
    expect((await s.audit.verify()).ok).toBe(true);
  });
});

describe('host-side dry run', () => {
  it('a dry run runs each host step with dryRun=1 on its targets and the plan records what they would change', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute({
      runbookId: 'docker-daemon-down',
      target: HOST,
      mode: 'dry-run',
      invokedBy: 'carol',
    });

    expect(run.output.completion.outcome).toBe('dry-run');
    expect(s.fleet.dryRuns.map((r) => [r.document, r.parameters.dryRun, r.targets])).toEqual([
      ['Paramedic-DockerStartService', '1', [HOST]],
    ]);
    expect(s.fleet.actions).toHaveLength(0);
    expect(s.fleet.hosts.get(HOST)!.fault).toBe('docker-daemon-down');
    expect(run.output.plan.hostDryRun).toEqual([
      expect.objectContaining({
        step: 0,
        target: HOST,
        status: 'succeeded',
        detail: `dry run: would run: Paramedic-DockerStartService on ${HOST}`,
      }),
    ]);
    const planned = (await s.audit.execution(run.executionId)).find((e) => e.type === 'planned')!;
    expect(JSON.stringify(planned.data)).toContain(
      'dry run: would run: Paramedic-DockerStartService',
    );
  });
});
