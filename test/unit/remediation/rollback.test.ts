import { describe, expect, it } from 'vitest';
import { listActions, findAction } from '../../../lambdas/core/remediation/catalog.js';
import { planSteps } from '../../../lambdas/core/remediation/planner.js';
import { rollbackSteps } from '../../../lambdas/core/remediation/rollback.js';
import type { StepOutcome, Target } from '../../../lambdas/core/workflow/model.js';

const node = (id: string, name: string): Target => ({
  id,
  platform: 'eks',
  instanceId: id,
  cluster: 'prod',
  node: name,
});
const a = node('i-0a', 'ip-10-0-1-1.ec2.internal');
const b = node('i-0b', 'ip-10-0-1-2.ec2.internal');
const ok = (step: number, action: string, target: string): StepOutcome => ({
  step,
  action,
  target,
  status: 'succeeded',
});
const failed = (step: number, action: string, target: string): StepOutcome => ({
  step,
  action,
  target,
  status: 'failed',
});

describe('rollback', () => {
  it('every declared inverse is a catalogue action on the same kind of target, taking no parameter the forward action lacks', () => {
    for (const action of listActions().filter((x) => x.inverse)) {
      const inverse = findAction(action.inverse!)!;
      expect(inverse, `${action.id} inverse`).toBeDefined();
      expect(inverse.target).toBe(action.target);
      expect(Object.keys(inverse.parameters).every((p) => p in action.parameters)).toBe(true);
    }
    expect(findAction('k8s-cordon-node')!.inverse).toBe('k8s-uncordon-node');
  });

  it('undoes completed steps in reverse order, only where they succeeded, with the forward parameters', () => {
    const steps = planSteps(
      [
        { action: 'k8s-cordon-node' },
        { action: 'node-restart-runtime' },
        { action: 'k8s-uncordon-node' },
      ],
      [a, b],
    );
    const undo = rollbackSteps(steps, [
      ok(0, 'k8s-cordon-node', 'i-0a'),
      failed(0, 'k8s-cordon-node', 'i-0b'),
      failed(1, 'node-restart-runtime', 'i-0a'),
    ]);
    expect(undo).toEqual([
      {
        undoes: 0,
        step: expect.objectContaining({
          action: 'k8s-uncordon-node',
          invocations: [{ target: 'i-0a', parameters: { node: 'ip-10-0-1-1.ec2.internal' } }],
        }),
      },
    ]);
  });

  it('a later step that already ran the inverse leaves nothing to undo; actions without an inverse are never undone', () => {
    const steps = planSteps(
      [
        { action: 'k8s-cordon-node' },
        { action: 'node-restart-runtime' },
        { action: 'k8s-uncordon-node' },
      ],
      [a],
    );
    expect(
      rollbackSteps(steps, [
        ok(0, 'k8s-cordon-node', 'i-0a'),
        ok(1, 'node-restart-runtime', 'i-0a'),
        ok(2, 'k8s-uncordon-node', 'i-0a'),
      ]),
    ).toEqual([]);
  });

  it('a step whose outcome was never recorded is undone on every target it was run on; a later unrecorded inverse does not count as done', () => {
    const steps = planSteps(
      [
        { action: 'k8s-cordon-node' },
        { action: 'node-restart-runtime' },
        { action: 'k8s-uncordon-node' },
      ],
      [a, b],
    );
    expect(rollbackSteps(steps, [], [0])).toEqual([
      {
        undoes: 0,
        step: expect.objectContaining({
          action: 'k8s-uncordon-node',
          invocations: [
            { target: 'i-0a', parameters: { node: 'ip-10-0-1-1.ec2.internal' } },
            { target: 'i-0b', parameters: { node: 'ip-10-0-1-2.ec2.internal' } },
          ],
        }),
      },
    ]);
    // The uncordon of step 2 may not have run: the cordon that succeeded is undone.
    expect(
      rollbackSteps(
        steps,
        [ok(0, 'k8s-cordon-node', 'i-0a'), ok(1, 'node-restart-runtime', 'i-0a')],
        [2],
      ).map((u) => [u.undoes, u.step.action, u.step.invocations.map((i) => i.target)]),
    ).toEqual([[0, 'k8s-uncordon-node', ['i-0a']]]);
  });
});
