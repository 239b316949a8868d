import { describe, expect, it } from 'vitest';
import { checkRegexSafety, type RedosChecker } from '../../../lambdas/core/runbook/regex-safety.js';
import type { Runbook } from '../../../lambdas/core/runbook/model.js';
import { recheckRedosChecker } from '../../../lambdas/adapters/local/recheck-redos-checker.js';
import { minimalRunbook } from '../../support/minimal-runbook.js';

function runbookWith(pattern: string): Runbook {
  return minimalRunbook('hostile', [
    {
      id: 's',
      description: 'd',
      weight: 0.9,
      match: { any: [{ pattern: 'fine' }, { pattern }] },
    },
  ]);
}

describe('runbooks lint: regexes must run in linear time', () => {
  it('rejects a super-linear regex the linear engine cannot run, with its attack string and where it is', () => {
    const errors = checkRegexSafety([runbookWith('(\\d+)x\\1')], recheckRedosChecker);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^runbook hostile at signals\[0\]\.match\.any\[1\]\.pattern: super-linear regex \(.*polynomial.*\) backtracking\), attack string: '.+'/,
    );
  }, 60_000);

  it('accepts a backtracking-only regex the checker proves linear', () => {
    expect(
      checkRegexSafety(
        [runbookWith('memory: usage (\\d+)kB, limit \\1kB, failcnt [1-9]')],
        recheckRedosChecker,
      ),
    ).toEqual([]);
  }, 60_000);

  it('needs no proof for a regex the linear engine runs, even one that is exponential on a backtracking engine', () => {
    const never: RedosChecker = () => {
      throw new Error('the checker must not be asked');
    };
    expect(checkRegexSafety([runbookWith('(a+)+b')], never)).toEqual([]);
  });

  it('rejects a regex the checker cannot decide: not proven is not safe', () => {
    const undecided: RedosChecker = () => ({ status: 'unknown', reason: 'timeout' });
    expect(checkRegexSafety([runbookWith('(a)\\1')], undecided)[0]?.message).toContain(
      'could not prove the regex linear (timeout)',
    );
  });
});
