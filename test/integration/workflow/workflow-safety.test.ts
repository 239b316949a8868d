import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario, startInfra, type LocalInfra } from './harness.js';

const HOST = 'i-0123456789abcdef0';

let infra: LocalInfra;
beforeAll(async () => {
  infra = await startInfra();
});
afterAll(async () => {
  await infra.stop();
});

const df = (usePercent: number) => ({
  'disk.df': { output: `Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   30G   ${Math.round(30 * usePercent / 100)}G   ${30 - Math.round(30 * usePercent / 100)}G ${usePercent}% /\n` },
  'docker.cli': { output: 'failed to register layer: write /var/lib/docker/overlay2/x/diff/y: no space left on device\n' },
});

describe('safety you can declare: preconditions in a local run of the synthesized workflow', () => {
  it('a forced disk-full run on a host with space again is refused by its precondition: plan, audit and outcome say why, nothing runs', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'disk-full', sections: df(41) });

    const run = await s.execute({ runbookId: 'disk-full', target: HOST, mode: 'execute', invokedBy: 'dave' });

    expect(run.error).toBeUndefined();
    expect(run.output.plan.decision).toBe('escalate');
    expect(run.output.plan.reason).toMatch(/^refused by preconditions: i-0123456789abcdef0: precondition space-is-low \(not met/);
    expect(run.output.plan.targets).toEqual([]);
    expect(run.output.plan.steps).toEqual([]);
    expect(run.output.plan.preconditions.every((p: any) => p.id === 'space-is-low' && p.held === false)).toBe(true);
    expect(run.output.completion.outcome).toBe('escalated');
    expect(s.fleet.actions).toEqual([]);
    const entries = await s.audit.execution(run.executionId);
    expect(entries.map((e) => e.type)).toEqual(['triggered', 'locked', 'collected', 'classified', 'planned', 'preconditions', 'escalated', 'released', 'completed']);
    const recorded = entries.find((e) => e.type === 'preconditions')!;
    expect(recorded.data).toMatchObject({ held: [{ target: HOST, reason: expect.stringContaining('space-is-low') }] });
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it('the same run on a host still 100% full passes the precondition and runs the steps', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'disk-full', sections: df(100) });

    const run = await s.execute({ runbookId: 'disk-full', target: HOST, mode: 'execute', invokedBy: 'dave' });

    expect(run.output.plan.decision).toBe('automatic');
    expect(run.output.plan.preconditions.every((p: any) => p.held === true)).toBe(true);
    expect(s.fleet.actions.map((a) => a.document)).toContain('Paramedic-DockerPruneImages');
  });
});
