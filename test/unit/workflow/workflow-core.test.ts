import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  normalizeAlarmEvent,
  AlarmEventError,
  isAlarmEvent,
} from '../../../lambdas/core/workflow/alarm-event.js';
import { resolveAlarmTargets } from '../../../lambdas/core/workflow/targets.js';
import { parseManualInput, ManualInputError } from '../../../lambdas/core/workflow/manual-input.js';
import { applyGuards } from '../../../lambdas/core/remediation/guards.js';
import { planSteps, PlanningError } from '../../../lambdas/core/remediation/planner.js';
import { buildPlan } from '../../../lambdas/core/workflow/plan.js';
import { decideOutcome } from '../../../lambdas/core/workflow/outcome.js';
import {
  alarmHadTimeToReevaluate,
  decideVerification,
  dominantRunbook,
} from '../../../lambdas/core/workflow/verification.js';
import type { Runbook } from '../../../lambdas/core/runbook/model.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';

const FIXTURES = join(import.meta.dirname, '../../integration/workflow/fixtures');
const event = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const now = new Date('2026-11-23T10:00:00Z');
const docker: Target = {
  id: 'i-0123456789abcdef0',
  platform: 'docker',
  instanceId: 'i-0123456789abcdef0',
};
const eks: Target = {
  id: 'i-0fedcba9876543210',
  platform: 'eks',
  instanceId: 'i-0fedcba9876543210',
  cluster: 'prod',
  node: 'ip-10-0-1-23.ec2.internal',
};

function runbook(
  safety: Runbook['remediation']['safety'],
  steps: Runbook['remediation']['steps'],
  guards = { cooldownMinutes: 60, maxTargets: 5, maxFailuresPerDay: 2 },
): Runbook {
  return {
    id: 'disk-full',
    title: 't',
    platform: 'any',
    summary: 's',
    why: 'w',
    evidence: { sections: [] },
    signals: [],
    rulesOut: [],
    supersededBy: [],
    references: [],
    remediation: { safety, summary: 'clean up', steps, guards },
    verify: { description: 'd', collect: [], expectCleared: true, checks: [] },
  };
}
const switches = { dryRun: false, automaticRemediation: true };

describe('alarm normalization and target resolution', () => {
  it('normalizes an EventBridge alarm state change', () => {
    const a = normalizeAlarmEvent(event('alarm-state-change-instance.json'));
    expect(a).toMatchObject({
      alarmName: 'paramedic-docker-health',
      state: 'ALARM',
      previousState: 'OK',
      account: '123456789012',
      dimensions: [{ InstanceId: 'i-0123456789abcdef0' }],
    });
  });

  it('resolves InstanceId, AutoScalingGroupName and ClusterName+NodeName', () => {
    expect(
      resolveAlarmTargets(
        normalizeAlarmEvent(event('alarm-state-change-instance.json')).dimensions,
      ),
    ).toEqual([{ kind: 'instance', instanceId: 'i-0123456789abcdef0', platform: 'docker' }]);
    expect(
      resolveAlarmTargets(normalizeAlarmEvent(event('alarm-state-change-asg.json')).dimensions),
    ).toEqual([{ kind: 'auto-scaling-group', name: 'web-fleet', platform: 'docker' }]);
    expect(
      resolveAlarmTargets(
        normalizeAlarmEvent(event('alarm-state-change-eks-node.json')).dimensions,
      ),
    ).toEqual([
      {
        kind: 'eks-node',
        cluster: 'prod',
        node: 'ip-10-0-1-23.ec2.internal',
        instanceId: 'i-0fedcba9876543210',
      },
    ]);
  });

  it('drops dimension values that are not valid ids (they never reach a command)', () => {
    expect(
      resolveAlarmTargets([
        { InstanceId: 'i-0123; reboot' },
        { AutoScalingGroupName: '$(rm -rf /)' },
      ]),
    ).toEqual([]);
  });

  it('rejects something that is not an alarm event, saying what is expected', () => {
    expect(isAlarmEvent({ runbookId: 'x' })).toBe(false);
    expect(() => normalizeAlarmEvent({ foo: 1 })).toThrow(AlarmEventError);
  });
});

describe('manual input', () => {
  it('accepts the documented shape with dry-run as default', () => {
    expect(parseManualInput({ runbookId: 'disk-full', target: 'i-0123456789abcdef0' })).toEqual({
      runbookId: 'disk-full',
      target: 'i-0123456789abcdef0',
      mode: 'dry-run',
      invokedBy: 'console',
    });
  });

  it.each([
    [{ target: 'i-0123456789abcdef0' }, 'field "runbookId"'],
    [{ runbookId: 'disk-full', target: 'web-1' }, 'field "target": "web-1" is not one of'],
    [
      { runbookId: 'disk-full', target: 'i-0123456789abcdef0', mode: 'yolo' },
      'field "mode": must be "dry-run"',
    ],
    [{ runbookId: 'disk-full', target: 'local', extra: 1 }, 'field "extra": unknown field'],
    [{ runbookId: 'nope', target: 'local' }, 'no runbook "nope"'],
  ])('explains %j', (input, message) => {
    expect(() => parseManualInput(input, ['disk-full'])).toThrow(ManualInputError);
    expect(() => parseManualInput(input, ['disk-full'])).toThrow(message);
  });
});

describe('planning and guards', () => {
  it('plans only the steps that apply to each target platform, with validated parameters', () => {
    const steps = planSteps(
      [
        { action: 'docker-prune-images', params: { olderThanHours: 24 } },
        { action: 'node-prune-images' },
      ],
      [docker, eks],
    );
    expect(steps.map((s) => [s.action, s.document, s.invocations.map((i) => i.target)])).toEqual([
      ['docker-prune-images', 'Paramedic-DockerPruneImages', [docker.id]],
      ['node-prune-images', 'Paramedic-NodePruneImages', [eks.id]],
    ]);
    expect(steps[0]!.invocations[0]!.parameters).toEqual({ olderThanHours: '24' });
  });

  it('refuses out-of-range or unknown parameters and unknown actions', () => {
    expect(() =>
      planSteps([{ action: 'journal-vacuum', params: { keepMb: 1 } }], [docker]),
    ).toThrow(/keepMb must be >= 50/);
    expect(() => planSteps([{ action: 'journal-vacuum', params: { size: 1 } }], [docker])).toThrow(
      PlanningError,
    );
    expect(() => planSteps([{ action: 'rm-rf' }], [docker])).toThrow(/not in the catalogue/);
    expect(() => planSteps([{ action: 'docker-restart-container' }], [docker])).toThrow(
      /needs parameter container/,
    );
  });

  it('guards: cooldown holds a target, repeated failures and too many targets escalate', () => {
    const guards = { cooldownMinutes: 60, maxTargets: 1, maxFailuresPerDay: 2 };
    expect(
      applyGuards(
        guards,
        ['a'],
        [{ target: 'a', lastRemediatedAt: '2026-11-23T09:30:00Z', failures: [] }],
        now,
      ),
    ).toMatchObject({
      eligible: [],
      held: [{ target: 'a', reason: expect.stringContaining('cooldown') }],
    });
    expect(
      applyGuards(
        guards,
        ['a'],
        [{ target: 'a', failures: ['2026-11-23T01:00:00Z', '2026-11-23T02:00:00Z'] }],
        now,
      ).escalate,
    ).toMatch(/repeated-failure cap/);
    expect(
      applyGuards(
        guards,
        ['a'],
        [{ target: 'a', failures: ['2026-11-21T01:00:00Z', '2026-11-21T02:00:00Z'] }],
        now,
      ).eligible,
    ).toEqual(['a']);
    expect(applyGuards(guards, ['a', 'b'], [], now).escalate).toMatch(/exceed maxTargets 1/);
  });

  it.each([
    ['automatic', 'alarm', switches, 'automatic'],
    ['automatic', 'alarm', { dryRun: false, automaticRemediation: false }, 'approval'],
    ['automatic', 'alarm', { dryRun: true, automaticRemediation: true }, 'dry-run'],
    ['automatic', 'dry-run', switches, 'dry-run'],
    ['approval', 'execute', switches, 'approval'],
    ['report-only', 'alarm', switches, 'report-only'],
  ] as const)('safety %s, mode %s, %j -> %s', (safety, mode, sw, decision) => {
    expect(
      buildPlan({
        runbook: runbook(safety, [{ action: 'journal-vacuum' }]),
        mode,
        targets: [docker],
        history: [],
        switches: sw,
        now,
      }).decision,
    ).toBe(decision);
  });

  it('a risky step needs an approval even in an automatic runbook; no runbook is unclassified', () => {
    expect(
      buildPlan({
        runbook: runbook('automatic', [{ action: 'docker-restart-service' }]),
        mode: 'alarm',
        targets: [docker],
        history: [],
        switches,
        now,
      }).reason,
    ).toMatch(/risky actions/);
    expect(
      buildPlan({
        runbook: undefined,
        mode: 'alarm',
        targets: [docker],
        history: [],
        switches,
        now,
      }).decision,
    ).toBe('unclassified');
  });

  it('a plan that cannot be built is reported, not run', () => {
    const plan = buildPlan({
      runbook: runbook('automatic', [{ action: 'docker-stop-container' }]),
      mode: 'alarm',
      targets: [docker],
      history: [],
      switches,
      now,
    });
    expect(plan).toMatchObject({
      decision: 'report-only',
      reason: expect.stringContaining('needs parameter container'),
    });
  });
});

describe('outcome and verification', () => {
  const plan = (decision: any) => ({
    runbookId: 'disk-full',
    decision,
    reason: '',
    summary: '',
    targets: [],
    held: [],
    steps: [],
  });
  it.each([
    [
      {
        plan: plan('automatic'),
        remediation: { nextStep: 1, done: true, failed: false, outcomes: [] },
        verification: { cleared: true, reason: '', evidence: [], stillMatching: [] },
      },
      'remediated',
    ],
    [
      { plan: plan('approval'), approval: { approved: false, approver: 'bob', at: '' } },
      'rejected',
    ],
    [
      {
        plan: plan('approval'),
        approval: { approved: false, approver: 'system', at: '', timedOut: true },
      },
      'timed-out',
    ],
    [
      {
        plan: plan('automatic'),
        remediation: { nextStep: 1, done: true, failed: true, outcomes: [] },
      },
      'escalated',
    ],
    [{ plan: plan('dry-run') }, 'dry-run'],
    [{ lock: { acquired: false, attempts: 10, gaveUp: true, owner: 'x' } }, 'skipped'],
    [{ plan: plan('automatic'), failure: { Error: 'Error' } }, 'failed'],
  ])('%j -> %s', (state, outcome) => {
    expect(decideOutcome(state as never)).toBe(outcome);
  });

  it('verification: cleared only when the runbook no longer matches and the alarm left ALARM', () => {
    const rb = runbook('automatic', []);
    expect(
      decideVerification({
        runbook: rb,
        matches: [{ target: 'a', runbookIds: [] }],
        uncollected: [],
      }).cleared,
    ).toBe(true);
    expect(
      decideVerification({
        runbook: rb,
        matches: [{ target: 'a', runbookIds: ['disk-full'] }],
        uncollected: [],
      }).cleared,
    ).toBe(false);
    expect(
      decideVerification({
        runbook: rb,
        matches: [{ target: 'a', runbookIds: [] }],
        uncollected: [],
        alarmState: 'ALARM',
        alarmSettled: true,
      }).reason,
    ).toMatch(/still in ALARM/);
    expect(decideVerification({ runbook: rb, matches: [], uncollected: ['a'] }).cleared).toBe(
      false,
    );
    // The failure no longer classifies, but a runbook verify check still fails: not cleared.
    const failedCheck = decideVerification({
      runbook: rb,
      matches: [{ target: 'a', runbookIds: [] }],
      uncollected: [],
      failedChecks: [{ target: 'a', description: 'no real filesystem at 90% or more' }],
    });
    expect(failedCheck).toMatchObject({
      cleared: false,
      reason: 'verification check failed: no real filesystem at 90% or more (a)',
    });
  });

  it('verification: an alarm still in ALARM before a full evaluation window is advisory; the evidence decides', () => {
    const rb = runbook('automatic', []);
    const early = decideVerification({
      runbook: rb,
      matches: [{ target: 'a', runbookIds: [] }],
      uncollected: [],
      alarmState: 'ALARM',
      alarmSettled: false,
    });
    expect(early).toMatchObject({
      cleared: true,
      reason: expect.stringMatching(
        /still ALARM but has not had a full evaluation window.*advisory/,
      ),
    });
    // Unknown window (a composite alarm): advisory too.
    expect(
      decideVerification({
        runbook: rb,
        matches: [{ target: 'a', runbookIds: [] }],
        uncollected: [],
        alarmState: 'ALARM',
      }).cleared,
    ).toBe(true);
    // The evidence still decides against a fix that did not help, whatever the alarm says.
    expect(
      decideVerification({
        runbook: rb,
        matches: [{ target: 'a', runbookIds: ['disk-full'] }],
        uncollected: [],
        alarmState: 'OK',
        alarmSettled: true,
      }).cleared,
    ).toBe(false);
  });

  it('the alarm has had time to re-evaluate only after Period × EvaluationPeriods since the last step', () => {
    const end = '2026-11-23T09:00:00Z';
    expect(alarmHadTimeToReevaluate(300, end, new Date('2026-11-23T09:01:00Z'))).toBe(false);
    expect(alarmHadTimeToReevaluate(300, end, new Date('2026-11-23T09:05:00Z'))).toBe(true);
    expect(alarmHadTimeToReevaluate(undefined, end, new Date('2026-11-23T10:00:00Z'))).toBe(false);
    expect(alarmHadTimeToReevaluate(300, undefined, new Date('2026-11-23T10:00:00Z'))).toBe(false);
  });

  it('picks the runbook most targets matched', () => {
    expect(
      dominantRunbook([
        { target: 'a', runbookId: 'x', confidence: 0.9, evidence: [] },
        { target: 'b', runbookId: 'y', confidence: 0.6, evidence: [] },
        { target: 'c', runbookId: 'y', confidence: 0.7, evidence: [] },
      ]),
    ).toBe('y');
  });
});
