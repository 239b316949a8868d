import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import type { LabelledCase } from '../../lambdas/core/evidence/bundle.js';
import { evaluateCases } from '../../lambdas/core/runbook/case-evaluation.js';
import {
  expandEvidencePaths,
  readEvidenceFile,
} from '../../lambdas/adapters/local/evidence-files.js';
import {
  REPO_ROOT,
  loadRulebook,
  readFailureClassIds,
} from '../../lambdas/adapters/local/runbook-directory.js';

// The shared corpus, when it is beside the repository, is read where it lives (never copied here).
const CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'corpus', 'dev');
// Cases written here from the real output of real tools, in the corpus format.
const CASE_DIRS = [
  join(REPO_ROOT, 'test', 'runbooks', 'cases'),
  join(REPO_ROOT, 'test', 'fixtures', 'recorded'),
  join(REPO_ROOT, 'test', 'fixtures', 'kubernetes', 'bundles'),
];

function loadCases(dirs: string[]): LabelledCase[] {
  const { files } = expandEvidencePaths(dirs.filter((d) => existsSync(d)));
  return files
    .map((f) => readEvidenceFile(f).labelled)
    .filter((c): c is LabelledCase => c !== undefined);
}

let rulebook: CompiledRulebook;
beforeAll(() => {
  rulebook = loadRulebook();
});

// Optional: a clone without the shared folder beside it still tests every runbook with the cases below.
const corpusPresent = existsSync(CORPUS_DIR);
const corpusTitle = `shared dev corpus${corpusPresent ? '' : ` [skipped: ${CORPUS_DIR} is not beside the repository (an optional extra corpus)]`}`;

describe.skipIf(!corpusPresent)(corpusTitle, () => {
  it('is classified with top-1 accuracy of at least 95% and no negative case classified', () => {
    const cases = loadCases([CORPUS_DIR]);
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const report = evaluateCases(rulebook, cases);
    const falsePositives = report.outcomes.filter((o) => o.expected === null && o.actual !== null);
    expect(falsePositives, JSON.stringify(falsePositives)).toEqual([]);
    expect(report.accuracy, JSON.stringify(report.confusions)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(loadCases([CORPUS_DIR]).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = classifyEvidence(rulebook, c.bundle);
    expect(result.matches[0]?.runbookId ?? null).toBe(c.label);
    // A classification must be proven by lines that really are in the evidence.
    for (const line of result.matches[0]?.evidence ?? []) {
      const output = c.bundle.sections[line.section]!.output.split('\n')[line.line - 1]!;
      expect(output.trim().startsWith(line.text.replace(/…$/, ''))).toBe(true);
    }
  });
});

describe('cases written from real tool output (test/runbooks/cases, recorded fixtures)', () => {
  it.each(loadCases(CASE_DIRS).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(classifyEvidence(rulebook, c.bundle).matches[0]?.runbookId ?? null).toBe(c.label);
  });

  it('give every runbook at least one passing case, counting the shared corpus', () => {
    const all = [...loadCases([CORPUS_DIR]), ...loadCases(CASE_DIRS)];
    const passing = new Set(
      all
        .filter((c) => classifyEvidence(rulebook, c.bundle).matches[0]?.runbookId === c.label)
        .map((c) => c.label),
    );
    const missing = (readFailureClassIds() ?? []).filter((id) => !passing.has(id));
    expect(missing).toEqual([]);
  });
});

const SPEC_DIR = join(REPO_ROOT, '..', 'shared', 'spec');
const specPresent = existsSync(SPEC_DIR);

describe(`the contracts kept in docs/ match the shared spec${specPresent ? '' : ` [skipped: ${SPEC_DIR} is not beside the repository]`}`, () => {
  it.skipIf(!specPresent).each(['failure-classes.yaml', 'evidence-bundle.md'])(
    'docs/%s',
    (name) => {
      expect(readFileSync(join(REPO_ROOT, 'docs', name), 'utf8')).toBe(
        readFileSync(join(SPEC_DIR, name), 'utf8'),
      );
    },
  );
});
