import { describe, expect, it } from 'vitest';
import { generateEvidence } from '../../bench/evidence-generator.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';

// Each regex is prefiltered by literals it cannot match without. When a pattern's literal is a word
// healthy hosts print all day ("readiness", "failed", "registry"), every such line becomes a candidate
// and classification slows to a crawl on big evidence. Healthy noise must yield almost no candidates.
describe('runbook literals are selective', () => {
  it('healthy daemon, kubelet, kernel and app logs produce almost no candidate lines', () => {
    const rulebook = loadRulebook();
    const bundle = generateEvidence(4 * 1024 * 1024);
    const perLiteral = new Map<string, number>();
    for (const section of Object.values(bundle.sections)) {
      rulebook.scanner.scan(section.output, (hit) => {
        const literal = rulebook.scanner.literals[hit.literal]!;
        perLiteral.set(literal, (perLiteral.get(literal) ?? 0) + 1);
      });
    }
    // The generator plants a handful of real failure lines; everything else is healthy noise.
    const noisy = [...perLiteral.entries()]
      .filter(([, count]) => count > 20)
      .map(([literal, count]) => `"${literal}" x${count}`);
    expect(
      noisy,
      'rewrite these patterns so their literal is the failure wording (split the alternation)',
    ).toEqual([]);
  });
});
