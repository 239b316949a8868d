import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  evaluatePreconditions,
  preconditionJudge,
  preconditionsOf,
} from '../../../lambdas/core/remediation/preconditions.js';
import { loadRunbooksFromTexts } from '../../../lambdas/core/runbook/validate.js';
import { buildPlan } from '../../../lambdas/core/workflow/plan.js';
import { planSteps } from '../../../lambdas/core/remediation/planner.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import type { Runbook } from '../../../lambdas/core/runbook/model.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';

const rulebook = loadRulebook();
const byId = (id: string): Runbook => rulebook.runbooks.find((r) => r.id === id)!;
const now = new Date('2026-11-23T10:00:00Z');
const switches = { dryRun: false, automaticRemediation: true };
const host = (id: string): Target => ({ id, platform: 'docker', instanceId: id, container: 'web' });

function bundle(sections: Record<string, string>): EvidenceBundle {
  return {
    schema: 'paramedic.evidence/v1' as EvidenceBundle['schema'],
    target: { platform: 'docker' } as EvidenceBundle['target'],
    collectedAt: now.toISOString(),
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  };
}
/** Each target's bundle judged on the runbook's preconditions, as Plan judges them while it reads. */
const judgedOn = (rb: Runbook, bundles: ReadonlyMap<string, EvidenceBundle>) => {
  const judge = preconditionJudge(rb);
  return new Map([...bundles].map(([target, b]) => [target, judge(b)]));
};
const inspect = (labels: Record<string, string>) =>
  JSON.stringify(
    [{ Name: '/web', Config: { Labels: labels }, State: { Status: 'running' } }],
    null,
    2,
  );
const protectedHost = bundle({
  'docker.inspect': inspect({ 'paramedic.io/protected': 'true', app: 'web' }),
});
const ordinaryHost = bundle({
  'docker.inspect': inspect({ 'paramedic.io/protected': 'false', app: 'web' }),
});

describe('runbook preconditions', () => {
  it('guard only the actions they name: port-not-listening guards the container restart, not the report', () => {
    const rb = byId('port-not-listening');
    expect(
      preconditionsOf(rb, { action: 'docker-restart-container', mutates: true }).map((p) => p.id),
    ).toEqual(['container-not-protected']);
    expect(preconditionsOf(rb, { action: 'report', mutates: false })).toEqual([]);
  });

  it('a container labelled paramedic.io/protected=true fails the precondition; another label value passes', () => {
    const rb = byId('port-not-listening');
    const steps = planSteps(rb.remediation.steps, [host('i-01'), host('i-02')]);
    const results = evaluatePreconditions(
      rb,
      steps,
      judgedOn(
        rb,
        new Map([
          ['i-01', protectedHost],
          ['i-02', ordinaryHost],
        ]),
      ),
    );
    expect(results.map((r) => [r.target, r.action, r.held])).toEqual([
      ['i-01', 'docker-restart-container', false],
      ['i-02', 'docker-restart-container', true],
    ]);
    expect(results[0]!.evidence[0]!.text).toContain('paramedic.io/protected');
  });

  it('evidence that cannot decide (section not collected, or no bundle) is not a pass', () => {
    const rb = byId('port-not-listening');
    const steps = planSteps(rb.remediation.steps, [host('i-01'), host('i-02')]);
    const results = evaluatePreconditions(
      rb,
      steps,
      judgedOn(rb, new Map([['i-01', bundle({ 'net.sockets': 'LISTEN 0 128 *:80' })]])),
    );
    expect(results.map((r) => r.held)).toEqual([null, null]);
  });

  it('the plan holds a protected target, shows why, and escalates when no target is left', () => {
    const rb = byId('port-not-listening');
    const judged = judgedOn(
      rb,
      new Map([
        ['i-01', protectedHost],
        ['i-02', ordinaryHost],
      ]),
    );
    const preconditions = (steps: Parameters<typeof evaluatePreconditions>[1]) =>
      evaluatePreconditions(rb, steps, judged);
    const both = buildPlan({
      runbook: rb,
      mode: 'execute',
      targets: [host('i-01'), host('i-02')],
      history: [],
      switches,
      now,
      preconditions,
    });
    expect(both.targets).toEqual(['i-02']);
    expect(both.held).toEqual([
      {
        target: 'i-01',
        reason: expect.stringContaining('precondition container-not-protected (not met'),
      },
    ]);
    expect(both.steps.flatMap((s) => s.invocations.map((i) => i.target))).not.toContain('i-01');
    expect(both.preconditions?.filter((p) => p.held === false).map((p) => p.target)).toEqual([
      'i-01',
    ]);

    const only = buildPlan({
      runbook: rb,
      mode: 'execute',
      targets: [host('i-01')],
      history: [],
      switches,
      now,
      preconditions,
    });
    expect(only.decision).toBe('escalate');
    expect(only.reason).toMatch(
      /^refused by preconditions: i-01: precondition container-not-protected/,
    );
  });

  it('never the last Ready node: node-disk-pressure needs two Ready rows in kubectl get nodes before cordoning', () => {
    const rb = byId('node-disk-pressure');
    const node: Target = {
      id: 'i-0a',
      platform: 'eks',
      instanceId: 'i-0a',
      cluster: 'prod',
      node: 'ip-10-0-1-1.ec2.internal',
    };
    const steps = planSteps(rb.remediation.steps, [node]);
    const nodes = (rows: string[]) =>
      bundle({
        'k8s.cluster': [
          '$ kubectl get nodes',
          'NAME                       STATUS   ROLES    AGE   VERSION',
          ...rows,
        ].join('\n'),
      });
    const lastOne = nodes([
      'ip-10-0-1-1.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
      'ip-10-0-1-2.ec2.internal   NotReady <none>   5d    v1.29.3-eks-ae9a62a',
    ]);
    const twoReady = nodes([
      'ip-10-0-1-1.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
      'ip-10-0-1-2.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
    ]);
    const lastReady = (b: typeof lastOne) =>
      evaluatePreconditions(rb, steps, judgedOn(rb, new Map([['i-0a', b]])))
        .filter((r) => r.id === 'another-ready-node')
        .map((r) => [r.action, r.held]);
    expect(lastReady(lastOne)).toEqual([['k8s-cordon-node', false]]);
    expect(lastReady(twoReady)).toEqual([['k8s-cordon-node', true]]);
  });

  it('only when free space is low: a fact condition (the signals language) as a precondition', () => {
    const yaml = (actions: string) => `id: disk-full
title: t
platform: docker
summary: s
why: w
evidence: { sections: [disk.df] }
signals: [{ id: full, description: d, weight: 0.9, match: { pattern: 'No space left on device' } }]
remediation:
  safety: automatic
  summary: prune
  steps: [{ action: docker-prune-images }]
  preconditions:
    - id: space-is-low
      description: only when a filesystem is 90% full or more
      match: { fact: disk.usage, where: { usePercent: { gte: 90 } }, sections: [disk.df] }
      expect: present
      actions: [${actions}]
verify: { description: d, collect: [disk.df] }
`;
    const loaded = loadRunbooksFromTexts([{ id: 'disk-full', text: yaml('docker-prune-images') }]);
    expect(loaded.errors).toEqual([]);
    const rb = loaded.runbooks[0]!;
    const steps = planSteps(rb.remediation.steps, [host('i-01')]);
    const df = (pct: number) =>
      bundle({
        'disk.df': `Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/nvme0n1p1  8376300 ${Math.round(83763 * pct)}   100000  ${pct}% /`,
      });
    expect(
      evaluatePreconditions(rb, steps, judgedOn(rb, new Map([['i-01', df(95)]])))[0]!.held,
    ).toBe(true);
    expect(
      evaluatePreconditions(rb, steps, judgedOn(rb, new Map([['i-01', df(40)]])))[0]!.held,
    ).toBe(false);
    // A precondition naming an action no step runs is a validation error, with its path.
    const wrong = loadRunbooksFromTexts([
      { id: 'disk-full', text: yaml('docker-restart-container') },
    ]);
    expect(wrong.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'remediation.preconditions[0].actions[0]: no step runs action "docker-restart-container"',
      ),
    ]);
  });
});
