/**
 * "Never more than a third of an Auto Scaling group at once", through the synthesized workflow run
 * locally: the group comes from the local groups file (the local GroupMembership adapter), who is
 * being remediated from the lock table's live leases (dynalite), and the plan and the audit trail
 * say why a target was refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGroupMembership } from '../../../lambdas/adapters/local/local-group-membership.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { scenario, startInfra, type LocalInfra } from './harness.js';

const HOST = 'i-0123456789abcdef0';
const SIBLING = 'i-0123456789abcdef1';
const OTHER = 'i-0123456789abcdef2';

let infra: LocalInfra;
beforeAll(async () => {
  infra = await startInfra();
}, 60_000);
afterAll(async () => {
  await infra?.stop();
});

/** Writes the groups file of `dir`: the three hosts in one Auto Scaling group. */
function writeWebGroup(dir: string, outOfService: Record<string, string>): void {
  writeFileSync(
    join(dir, 'groups.json'),
    JSON.stringify({
      groups: [
        { kind: 'auto-scaling-group', name: 'web', members: [HOST, SIBLING, OTHER], outOfService },
      ],
    }),
  );
}

/** A data directory whose groups file puts the three hosts in one Auto Scaling group. */
function webGroup(outOfService: Record<string, string> = {}): LocalGroupMembership {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-groups-'));
  writeWebGroup(dir, outOfService);
  return new LocalGroupMembership(dir);
}

/**
 * The web group, all in service at Plan, and an approver who answers after `during` changed it:
 * the approval wait lasts up to days, and the group moves meanwhile.
 */
function groupChangingDuringTheWait(during: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-groups-'));
  writeWebGroup(dir, {});
  return {
    groups: new LocalGroupMembership(dir),
    approvals: {
      waitForDecision: async () => {
        writeWebGroup(dir, during);
        return { approved: true, approver: 'erin', at: '2026-12-02T09:05:00Z' };
      },
    },
  };
}

const approve = {
  waitForDecision: async () => ({ approved: true, approver: 'erin', at: '2026-12-02T09:05:00Z' }),
};

describe('precondition: never more than a third of a group at once', () => {
  it('refuses a docker restart while another member is in Standby and a third is being remediated: plan and audit say why, nothing runs', async () => {
    const s = await scenario(infra, {
      approvals: approve,
      ports: { groups: webGroup({ [SIBLING]: 'Standby' }) },
    });
    s.fleet.hosts.set(HOST, { fault: 'disk-full' });
    // Another execution holds the third member's lease: it is being remediated right now.
    expect(
      await s.locks.acquire(
        lockKey(OTHER),
        'arn:aws:states:us-east-1:123456789012:execution:Paramedic:other',
        600,
      ),
    ).toBe(true);

    const run = await s.execute({
      runbookId: 'docker-bridge-no-ipv4',
      target: HOST,
      mode: 'execute',
      invokedBy: 'erin',
    });

    // Refused by a precondition: the plan escalates and the run ends in the Escalated Fail state.
    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.plan.decision).toBe('escalate');
    expect(run.state.plan.reason).toMatch(
      /^refused by preconditions: i-0123456789abcdef0: precondition at-most-a-third-of-the-group \(not met/,
    );
    expect(run.state.plan.steps).toEqual([]);
    const result = run.state.plan.preconditions.find(
      (p: { id: string }) => p.id === 'at-most-a-third-of-the-group',
    );
    expect(result).toMatchObject({ held: false, target: HOST });
    expect(s.fleet.actions).toEqual([]);
    const entries = await s.audit.execution(run.executionId);
    const recorded = entries.find((e) => e.type === 'preconditions')!;
    // Why, in the plan and the trail: the group as Plan read it, with the reason each member counts.
    const why = {
      target: HOST,
      kind: 'auto-scaling-group',
      name: 'web',
      size: 3,
      affected: 3,
      affectedPercent: 100,
      reasons: {
        [HOST]: 'this remediation',
        [SIBLING]: 'Standby',
        [OTHER]:
          'being remediated by arn:aws:states:us-east-1:123456789012:execution:Paramedic:other',
      },
    };
    expect(run.state.plan.groups).toEqual([why]);
    expect(recorded.data).toMatchObject({
      held: [{ target: HOST, reason: expect.stringContaining('at-most-a-third-of-the-group') }],
      groups: [why],
    });
    expect(run.state.completion.outcome).toBe('escalated');
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it('lets it run when the rest of the group is in service and free, and a lease it holds itself does not count', async () => {
    const s = await scenario(infra, { approvals: approve, ports: { groups: webGroup() } });
    // A lease the run holds itself (its own target) never counts against it.
    s.fleet.hosts.set(HOST, { fault: 'disk-full' });

    const run = await s.execute({
      runbookId: 'docker-bridge-no-ipv4',
      target: HOST,
      mode: 'execute',
      invokedBy: 'erin',
    });

    expect(run.output.plan.decision).toBe('approval');
    const result = run.output.plan.preconditions.find(
      (p: { id: string }) => p.id === 'at-most-a-third-of-the-group',
    );
    expect(result).toMatchObject({
      held: true,
      evidence: [
        expect.objectContaining({
          text: expect.stringContaining('size=3 affected=1 affectedPercent=33.33'),
        }),
      ],
    });
    expect(s.fleet.actions.map((a) => a.document)).toContain('Paramedic-DockerRestartService');
  });

  it('holds an approved docker restart when another member went to Standby during the approval wait: nothing runs, the trail says why, the run escalates', async () => {
    const { groups, approvals } = groupChangingDuringTheWait({ [SIBLING]: 'Standby' });
    const s = await scenario(infra, { approvals, ports: { groups } });
    s.fleet.hosts.set(HOST, { fault: 'disk-full' });

    const run = await s.execute({
      runbookId: 'docker-bridge-no-ipv4',
      target: HOST,
      mode: 'execute',
      invokedBy: 'erin',
    });

    // At Plan one of three (33.33%) was out: the plan asked for an approval and got it.
    expect(run.state.plan.decision).toBe('approval');
    expect(run.state.plan.groups).toEqual([expect.objectContaining({ affected: 1 })]);
    // When the step was to act, two of three (66.66%): held, nothing ran.
    expect(s.fleet.actions).toEqual([]);
    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.remediation).toMatchObject({
      failed: true,
      held: [{ target: HOST, reason: expect.stringContaining('at-most-a-third-of-the-group') }],
      outcomes: [{ step: 0, target: HOST, status: 'skipped' }],
    });
    expect(run.state.escalation.reason).toMatch(
      /^refused by preconditions when the step was to act: i-0123456789abcdef0: precondition at-most-a-third-of-the-group \(not met/,
    );
    const entries = await s.audit.execution(run.executionId);
    const [atPlan, whenActing] = entries.filter((e) => e.type === 'preconditions');
    expect(atPlan!.data).toMatchObject({ held: [] });
    expect(whenActing!.data).toMatchObject({
      held: [{ target: HOST }],
      groups: [
        {
          target: HOST,
          affected: 2,
          affectedPercent: 66.66,
          reasons: { [HOST]: 'this remediation', [SIBLING]: 'Standby' },
        },
      ],
    });
    expect(entries.find((e) => e.type === 'step')!.data).toMatchObject({
      outcomes: [{ target: HOST, status: 'skipped', detail: expect.stringMatching(/^held when/) }],
    });
    expect(run.state.completion.outcome).toBe('escalated');
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it('still acts when the group moved during the approval wait but stays within the share (a member of another group went out)', async () => {
    // Control for the case above: the same wait, the same re-check, a change that does not count.
    const { groups, approvals } = groupChangingDuringTheWait({ 'i-0fedcba9876543210': 'Standby' });
    const s = await scenario(infra, { approvals, ports: { groups } });
    s.fleet.hosts.set(HOST, { fault: 'disk-full' });

    const run = await s.execute({
      runbookId: 'docker-bridge-no-ipv4',
      target: HOST,
      mode: 'execute',
      invokedBy: 'erin',
    });

    expect(run.state.remediation).toMatchObject({ failed: false, done: true });
    expect(run.state.remediation.held).toBeUndefined();
    expect(s.fleet.actions.map((a) => a.document)).toContain('Paramedic-DockerRestartService');
    const entries = await s.audit.execution(run.executionId);
    expect(entries.filter((e) => e.type === 'preconditions')).toHaveLength(1);
  });

  it('without a groups port the precondition cannot decide, so the target is held', async () => {
    const s = await scenario(infra, { approvals: approve, ports: { groups: undefined } });
    s.fleet.hosts.set(HOST, { fault: 'disk-full' });

    const run = await s.execute({
      runbookId: 'docker-bridge-no-ipv4',
      target: HOST,
      mode: 'execute',
      invokedBy: 'erin',
    });

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.plan.decision).toBe('escalate');
    expect(run.state.plan.reason).toContain('at-most-a-third-of-the-group (evidence cannot decide');
  });
});
