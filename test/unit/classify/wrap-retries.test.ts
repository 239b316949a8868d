import { describe, expect, it } from 'vitest';
import { WrapRetries } from '../../../lambdas/core/classify/wrap-retries.js';
import { wrappedJoins } from '../../../lambdas/core/classify/wrapped-joins.js';

/** Offsets of each line of `output`. */
const starts = (output: string) => {
  const out = [0];
  for (let i = 0; i < output.length; i++) if (output[i] === '\n') out.push(i + 1);
  return out;
};

describe('WrapRetries', () => {
  it('tests each window of a run of candidate lines once: one new window per line', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `piece ${i} of a message nobody matches`);
    const output = lines.join('\n');
    const offsets = starts(output);
    const retries = new WrapRetries(1);
    const tested: string[] = [];
    for (let i = 0; i < lines.length; i++)
      retries.matches(0, i + 1, wrappedJoins(output, offsets[i]!, lines[i]!), (text) => {
        tested.push(text);
        return false;
      });
    // Every distinct text once: the windows of four lines, three and two at the ends, and the unspaced pairs.
    expect(new Set(tested).size).toBe(tested.length);
    expect(tested.length).toBeLessThanOrEqual(2 * lines.length + 6);
    const unshared = lines.reduce(
      (n, line, i) => n + wrappedJoins(output, offsets[i]!, line).length,
      0,
    );
    expect(unshared).toBeGreaterThan(2.5 * lines.length);
  });

  it('gives a later line of a matching window the same outcome without testing it again', () => {
    const output = 'a\nb\nc';
    const offsets = starts(output);
    const retries = new WrapRetries(2);
    let tests = 0;
    const test = (text: string) => {
      tests++;
      return text === 'a b c';
    };
    expect(retries.matches(0, 1, wrappedJoins(output, offsets[0]!, 'a'), test)).toBe(true);
    expect(retries.matches(0, 2, wrappedJoins(output, offsets[1]!, 'b'), test)).toBe(true);
    expect(tests).toBe(1);
    // Another pattern keeps its own record.
    expect(retries.matches(1, 2, wrappedJoins(output, offsets[1]!, 'b'), test)).toBe(true);
    expect(tests).toBe(2);
  });
});
