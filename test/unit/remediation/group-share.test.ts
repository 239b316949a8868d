import { describe, expect, it } from 'vitest';
import { groupShare as groupShareFact } from '../../../lambdas/core/classify/facts/group-share.js';
import {
  firstGroupOf,
  groupSection,
  groupShare,
} from '../../../lambdas/core/remediation/group-share.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';
import type { TargetGroup } from '../../../lambdas/core/workflow/ports.js';

const target: Target = { id: 'i-0a', platform: 'docker', instanceId: 'i-0a' };
const group = (outOfService: Record<string, string> = {}): TargetGroup => ({
  kind: 'auto-scaling-group',
  name: 'web',
  members: ['i-0a', 'i-0b', 'i-0c'],
  outOfService,
});

describe('group share', () => {
  it('counts the target, members out of service and members leased by another execution, once each', () => {
    const share = groupShare(
      target,
      group({ 'i-0b': 'Standby', 'i-0a': 'Pending' }),
      new Map([
        ['i-0b', 'exec-2'],
        ['i-0c', 'exec-1'],
      ]),
      'exec-1',
    );
    expect(share).toMatchObject({
      size: 3,
      affected: 2,
      affectedPercent: 66.66,
      reasons: { 'i-0a': 'this remediation', 'i-0b': 'Standby' },
    });
  });

  it('one of three is 33.33, so "< 34" lets one through and not two; no group is share 0', () => {
    expect(groupShare(target, group(), new Map(), 'exec-1').affectedPercent).toBe(33.33);
    expect(
      groupShare(target, group({ 'i-0c': 'cordoned' }), new Map(), 'exec-1').affectedPercent,
    ).toBe(66.66);
    expect(groupShare(target, undefined, new Map(), 'exec-1')).toMatchObject({
      kind: 'none',
      affectedPercent: 0,
    });
  });

  it('the section reads back as a group.share fact, and nothing else in it does', () => {
    const section = groupSection(
      target,
      groupShare(target, group({ 'i-0b': 'Standby' }), new Map(), 'exec-1'),
    );
    const facts = groupShareFact.extract('paramedic.group', section.output);
    expect(facts.map((f) => f.fields)).toEqual([
      { kind: 'auto-scaling-group', name: 'web', size: 3, affected: 2, affectedPercent: 66.66 },
    ]);
    expect(
      groupShareFact.extract(
        'x',
        'group kind=auto-scaling-group name=web size=3 affected=1 affectedPercent=1e9 target=i-0a',
      ),
    ).toEqual([]);
  });

  it('the first source that knows the group answers', async () => {
    const calls: string[] = [];
    const source = (name: string, answer?: TargetGroup) => ({
      groupOf: async () => {
        calls.push(name);
        return answer;
      },
    });
    expect(
      await firstGroupOf([
        source('cluster'),
        source('autoscaling', group()),
        source('never', group()),
      ]).groupOf(target),
    ).toMatchObject({ name: 'web' });
    expect(calls).toEqual(['cluster', 'autoscaling']);
  });
});
