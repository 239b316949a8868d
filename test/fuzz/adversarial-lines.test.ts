import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adversarialLineFor, bundleOfLines, skeletonOf } from '../../bench/adversarial-evidence.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { cpuMs, fuzzParameters, fuzzTally, HANG_MS } from './fuzz-harness.js';

const rulebook = loadRulebook();
const { check, tally } = fuzzTally('adversarial lines');

/** Best of three: on a shared machine noise only ever adds time. */
function best(fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = cpuMs();
    fn();
    min = Math.min(min, cpuMs() - t);
  }
  return min;
}

/** A hostile line for one pattern: a piece of its skeleton pumped to `length`, with an optional twist. */
const pumpedLine = (source: string) => {
  const skeleton = skeletonOf(source);
  return fc
    .record({
      from: fc.nat({ max: Math.max(0, skeleton.length - 1) }),
      span: fc.integer({ min: 1, max: Math.max(1, skeleton.length) }),
      tail: fc.constantFrom('', '\t', '!', ' ', '"', skeleton.slice(-8)),
    })
    .map(({ from, span, tail }) => (length: number) => {
      const unit = skeleton.slice(from, from + span) || 'x';
      return unit.repeat(Math.ceil(length / unit.length)).slice(0, length - tail.length) + tail;
    });
};

describe('fuzz: adversarial lines for every runbook pattern cost linear time', () => {
  it('each pattern: 4x the text costs about 4x the time, never more than a cubic attack would hint at', () => {
    const patterns = rulebook.patterns;
    fc.assert(
      fc.property(
        fc
          .nat({ max: patterns.length - 1 })
          .chain((i) => fc.tuple(fc.constant(i), pumpedLine(patterns[i]!.leaf.pattern))),
        ([i, make]) =>
          check(i, () => {
            const { regex } = patterns[i]!;
            const short = make(4096);
            const long = make(16384);
            const tShort = Math.max(
              best(() => regex.test(short)),
              0.05,
            );
            const tLong = best(() => regex.test(long));
            // Linear: ~4x. A quadratic engine gives 16x and a cubic one 64x; 12x leaves room for noise.
            expect(tLong / tShort, `/${regex.source}/ on a pumped line`).toBeLessThan(12);
            expect(tLong).toBeLessThan(HANG_MS / 10);
          }, []),
      ),
      fuzzParameters(),
    );
  });

  it("a bundle of every pattern's pumped line classifies in bounded time, with what it skipped recorded", () => {
    const lines = rulebook.patterns.map((p) => adversarialLineFor(p.leaf.pattern));
    check(lines.length, () => {
      const started = cpuMs();
      const result = classifyEvidence(rulebook, bundleOfLines(lines));
      expect(cpuMs() - started).toBeLessThan(HANG_MS);
      expect(result.limits).toBeDefined();
    }, []);
  });

  it('found no crash and no hang', () => {
    expect(tally.crashes).toBe(0);
    expect(tally.hangs).toBe(0);
  });
});
