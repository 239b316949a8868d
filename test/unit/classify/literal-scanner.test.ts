import { describe, expect, it } from 'vitest';
import { LiteralScanner } from '../../../lambdas/core/classify/literal-scanner.js';

function naiveHits(text: string, literals: string[]): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const lower = line.toLowerCase();
    literals.forEach((lit, li) => {
      let from = 0;
      for (let at = lower.indexOf(lit, from); at >= 0; at = lower.indexOf(lit, from)) {
        out.push(`${li}@${i + 1}:${at + lit.length}`);
        from = at + 1;
      }
    });
  });
  return out.sort();
}

describe('LiteralScanner', () => {
  it('finds every occurrence case-insensitively with its 1-based line number', () => {
    const scanner = new LiteralScanner(['no space', 'space left']);
    const hits: string[] = [];
    const lines = scanner.scan('ok\nwrite: No Space Left on device\n', (h) =>
      hits.push(`${h.literal}@${h.line}`),
    );
    expect(hits).toEqual(['0@2', '1@2']);
    expect(lines).toBe(3);
  });

  it('reports where the line starts so the caller can cut it out', () => {
    const scanner = new LiteralScanner(['oomkilled']);
    const text = 'first\nsecond\n  Reason: OOMKilled\n';
    let start = -1;
    scanner.scan(text, (h) => {
      start = h.lineStart;
    });
    expect(text.slice(start, text.indexOf('\n', start))).toBe('  Reason: OOMKilled');
  });

  it('agrees with a naive search on random text (overlapping and nested literals)', () => {
    const literals = ['abc', 'bca', 'cab', 'aaa', 'b c', 'ab', 'a\u00e9b'];
    const alphabet = 'abcABC \n\u00e9';
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 50; round++) {
      let text = '';
      for (let i = 0; i < 400; i++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const scanner = new LiteralScanner(literals);
      const hits: string[] = [];
      scanner.scan(text, (h) => hits.push(`${h.literal}@${h.line}:${h.end - h.lineStart}`));
      // Non-ASCII letters fold to one class: the scanner may report extra candidates for them, never fewer.
      const expected = naiveHits(text, literals);
      const got = new Set(hits);
      for (const e of expected) expect(got.has(e)).toBe(true);
      const asciiOnly = hits.filter((h) => !h.startsWith('6@')).sort();
      expect(asciiOnly).toEqual(expected.filter((h) => !h.startsWith('6@')));
    }
  });

  it('agrees with a naive search both below and above 32,768 automaton states (16- and 32-bit tables)', () => {
    // 3,000 literals of 12 distinct-ish letters make ~30,000 states; 4,000 make more than 32,768.
    for (const count of [3_000, 4_000]) {
      let seed = count;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      const word = () =>
        Array.from({ length: 12 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rnd() * 26)]).join(
          '',
        );
      const literals = Array.from({ length: count }, word);
      const scanner = new LiteralScanner(literals);
      const text = [
        literals[count - 1],
        `x ${literals[0]} y`,
        literals[count >> 1]!.toUpperCase(),
      ].join('\n');
      const hits: string[] = [];
      scanner.scan(text, (h) => hits.push(`${h.literal}@${h.line}:${h.end - h.lineStart}`));
      expect(hits.sort()).toEqual(naiveHits(text, literals));
      expect(hits.length).toBeGreaterThanOrEqual(3);
    }
  });
});
