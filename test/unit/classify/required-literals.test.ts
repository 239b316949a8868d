import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../../lambdas/core/classify/required-literals.js';

describe('requiredLiterals', () => {
  it('takes the longest plain run of a simple pattern, lower-cased', () => {
    expect(requiredLiterals('No space left on device')).toEqual(['no space left on device']);
  });

  it('gives one literal per top-level alternative', () => {
    expect(
      requiredLiterals('manifest unknown|MANIFEST_UNKNOWN|no matching manifest for')?.sort(),
    ).toEqual(['manifest unknown', 'manifest_unknown', 'no matching manifest for']);
  });

  it('drops characters made optional by a quantifier', () => {
    expect(requiredLiterals('overlay2? graph driver')).toEqual(['graph driver']);
  });

  it('drops spaces at the ends of a long literal, where a hard-wrapped message is cut; a short word keeps them', () => {
    expect(requiredLiterals('ab? driver')).toEqual([' driver']);
    expect(requiredLiterals('\\binvalid (\\S+ )?port')).toEqual(['invalid ']);
    expect(requiredLiterals('failed to resolve reference .*not found')).toEqual([
      'failed to resolve reference',
    ]);
    expect(requiredLiterals('Tag \\S+ not found in repository')).toEqual([
      'not found in repository',
    ]);
  });

  it('keeps escaped punctuation as literal text', () => {
    expect(requiredLiterals('docker\\.sock: connect')).toEqual(['docker.sock: connect']);
  });

  it('falls back to the literals of a required group when the branch has no run of its own', () => {
    expect(requiredLiterals('\\d+ (Insufficient|Exceeded)')?.sort()).toEqual([
      'exceeded',
      'insufficient',
    ]);
  });

  it('returns null when an alternative has no usable literal, so the pattern is tested on every line', () => {
    expect(requiredLiterals('foo bar|\\d+%')).toBeNull();
    expect(requiredLiterals('(abc)?x')).toBeNull();
  });

  it('never misses a line the regex matches (literal is a substring of every match)', () => {
    const patterns = [
      'exec: \\\\*"?[^ ]+\\\\*"?: stat \\S+: no such file',
      'Insufficient (cpu|memory)',
      'lookup \\S+ on \\S+:53: (no such host|i/o timeout)',
    ];
    const lines = [
      'exec: \\"./user\\": stat ./user: no such file or directory',
      '0/3 nodes are available: 3 Insufficient cpu',
      'lookup x on 10.0.0.2:53: no such host',
    ];
    patterns.forEach((p, i) => {
      const lits = requiredLiterals(p)!;
      expect(new RegExp(p, 'i').test(lines[i]!)).toBe(true);
      expect(lits.some((l) => lines[i]!.toLowerCase().includes(l))).toBe(true);
    });
  });
});
