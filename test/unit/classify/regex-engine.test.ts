import { describe, expect, it } from 'vitest';
import { compileLineRegex } from '../../../lambdas/core/classify/regex-engine.js';

describe('compileLineRegex compiles on first use', () => {
  it('tests as compiled, on the engine that can run it', () => {
    const linear = compileLineRegex('no space left on device', true);
    expect(linear.test('write /x: No space left on device')).toBe(true);
    expect(linear.engine).toBe('linear');
    const backtracking = compileLineRegex('(\\w+) \\1', false);
    expect(backtracking.engine).toBe('backtracking');
    expect(backtracking.test('again again')).toBe(true);
  });

  it('defers a bad source to its first use (validation rejects it before any runbook loads)', () => {
    const bad = compileLineRegex('(unclosed', true);
    expect(bad.source).toBe('(unclosed');
    expect(() => bad.test('x')).toThrow(SyntaxError);
  });
});
