import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

// Real outputs recorded on this machine (and, where the kernel cannot produce a fault, recorded
// elsewhere; each case's "source" says which). They are runbook cases as much as collector fixtures.
const dir = join(REPO_ROOT, 'test/fixtures/recorded');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('recorded collector cases classify as labelled', () => {
  const rulebook = loadRulebook();
  for (const file of files) {
    const { labelled } = parseEvidenceDocument(
      JSON.parse(readFileSync(join(dir, file), 'utf8')),
      file,
    );
    it(`${file} -> ${labelled!.label ?? 'unclassified'}`, () => {
      const result = classifyEvidence(rulebook, labelled!.bundle);
      const summary = result.matches
        .map(
          (m) =>
            `${m.runbookId} ${m.confidence.toFixed(2)} ${m.evidence[0]?.section}:${m.evidence[0]?.line} ${m.evidence[0]?.text.slice(0, 120)}`,
        )
        .join('\n');
      expect(result.matches[0]?.runbookId ?? null, summary).toBe(labelled!.label);
    });
  }
});
