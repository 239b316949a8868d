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

/** A data directory whose groups file puts the three hosts in one Auto Scaling group. */
function webGroup(outOfService: Record<string, string> = {}): LocalGroupMembership {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-groups-'));
  writeFileSync(
    join(dir, 'groups.json'),
    JSON.stringify({
      groups: [
        { kind: 'auto-scaling-group', name: 'web', members: [HOST, SIBLING, OTHER], outOfService },
      ],
    }),
  );
  return new LocalGroupMembership(dir);
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
