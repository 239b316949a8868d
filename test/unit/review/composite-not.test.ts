/**
 * REPRO: the rule parser reads AT_LEAST's NOT (NOT OK counts children that can be in ALARM, NOT ALARM
 * ones that cannot) but drops the NOT in front of a state function. `ALARM(cpu) AND NOT
 * ALARM(deploying)` (CloudWatch's documented suppression pattern) takes the suppressor as the
 * incident, and `NOT OK(disk-high)` finds no child at all while `AT_LEAST(1, NOT OK, (disk-high))`,
 * the same condition, finds disk-high.
 */
import { describe, expect, it } from 'vitest';
import { alarmsInRule } from '../../../lambdas/core/workflow/composite-alarm.js';

describe('REPRO: NOT before a state function', () => {
  it('NOT ALARM(x) does not make x the incident', () => {
    expect(alarmsInRule('ALARM(cpu-high) AND NOT ALARM(deploying)')).toEqual({
      children: [{ name: 'cpu-high' }],
    });
  });

  it('NOT OK(x) is read as AT_LEAST(1, NOT OK, (x)) is', () => {
    expect(alarmsInRule('AT_LEAST(1, NOT OK, (disk-high))')).toEqual({
      children: [{ name: 'disk-high' }],
    });
    expect(alarmsInRule('NOT OK(disk-high)')).toEqual({ children: [{ name: 'disk-high' }] });
  });

  it('NOT over a group flips every function in it', () => {
    expect(alarmsInRule('ALARM(a) AND NOT (ALARM(b) OR ALARM(c))')).toEqual({
      children: [{ name: 'a' }],
    });
  });
});
