/**
 * parseEvidenceDocument reads with document-shapes.ts as it read with zod: on the recorded
 * bundles, a labelled case, and thousands of edits of them (a value replaced, a key removed or
 * added, __proto__ and other odd keys, every JSON type and the non-finite numbers), it returns
 * the same bundle (the same keys, in the same order) or refuses with the same message at the same
 * path as zod/mini with its English messages (test/support/zod-evidence-reference.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  EvidenceFormatError,
  parseEvidenceDocument,
} from '../../../lambdas/core/evidence/bundle.js';
import { zodParseEvidenceDocument } from '../../support/zod-evidence-reference.js';

const RECORDED = join(REPO_ROOT, 'test', 'fixtures', 'recorded');
const recorded: unknown[] = readdirSync(RECORDED)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(RECORDED, f), 'utf8')));
const labelled = {
  id: 'case-7',
  label: 'disk-full',
  platform: 'eks',
  source: 'round 7',
  note: 'kept times',
  collectedAt: '2026-12-02T12:00:00Z',
  incident: { at: '2026-12-02T11:58:00Z', lookbackMinutes: 15, remediatedAt: null },
  sections: {
    'kernel.log': { output: 'no space left on device', exitCode: 0, durationMs: 12 },
    'disk.df': { command: 'df -h', output: '/dev/xvda1 100%', truncated: false, error: null },
  },
};

type Outcome = { readonly read: string } | { readonly refused: string; readonly path: string };

/** What a parse gives: the result as JSON (key order counts: bundles are stored as JSON), or the refusal. */
function outcome(parse: () => unknown): Outcome {
  try {
    return { read: JSON.stringify(parse()) };
  } catch (error) {
    if (!(error instanceof EvidenceFormatError)) throw error;
    return { refused: error.message, path: error.path };
  }
}

function sameAsZod(doc: unknown): void {
  expect(outcome(() => parseEvidenceDocument(doc, 'fallback'))).toEqual(
    outcome(() => zodParseEvidenceDocument(doc, 'fallback')),
  );
}

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(
    undefined,
    null,
    -1,
    -0,
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '',
    'docker',
    'eks',
    'paramedic.evidence/v1',
    true,
    [],
    {},
    { output: '' },
    { output: 1 },
    { platform: 'docker' },
    new Date(0),
  ),
);
const oddKey = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'Bad Name',
    '-1',
    '1',
    '1.5',
    'docker.logs',
    'output',
    'label',
    'schema',
    'sections',
    'platform',
    'durationMs',
  ),
);

/** One edit at the end of a walk into the document: set, remove or add a key (as JSON.parse would: an own key). */
const edit = fc.record({
  walk: fc.array(fc.nat(), { maxLength: 4 }),
  kind: fc.constantFrom('set', 'remove', 'add'),
  key: oddKey,
  value: oddValue,
});

type Edit = ReturnType<typeof edit.generate>['value'];

function edited(doc: unknown, edits: readonly Edit[]): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const { walk, kind, key, value } of edits) {
    let at: Record<string, unknown> = copy;
    for (const step of walk) {
      const keys = Object.keys(at);
      const next = keys.length ? at[keys[step % keys.length]!] : undefined;
      if (typeof next !== 'object' || next === null) break;
      at = next as Record<string, unknown>;
    }
    const keys = Object.keys(at);
    const existing = keys.length ? keys[walk.length % keys.length]! : key;
    if (kind === 'remove') delete at[existing];
    else
      Object.defineProperty(at, kind === 'set' ? existing : key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

describe('parseEvidenceDocument reads as it did with zod', () => {
  it('the recorded bundles and a labelled case, as they are', () => {
    for (const doc of [...recorded, labelled]) sameAsZod(doc);
    expect(recorded.length).toBeGreaterThan(10);
  });

  it('names the first problem in document order with zod’s English message and path', () => {
    const bundle = {
      schema: 'paramedic.evidence/v1',
      target: { platform: 'docker' },
      collectedAt: '2026-12-02T12:00:00Z',
      sections: {},
    };
    expect(
      outcome(() => parseEvidenceDocument({ ...bundle, target: { platform: 'win' } })),
    ).toEqual({
      refused: 'Invalid option: expected one of "docker"|"eks" at target.platform',
      path: 'target.platform',
    });
    expect(
      outcome(() =>
        parseEvidenceDocument({
          ...bundle,
          collectedAt: 3,
          sections: { 'docker.cli': { output: 1 } },
        }),
      ),
    ).toEqual({
      refused: 'Invalid input: expected string, received number at collectedAt',
      path: 'collectedAt',
    });
    expect(
      outcome(() => parseEvidenceDocument({ ...bundle, sections: { 'Bad Name': { output: '' } } })),
    ).toEqual({
      refused: 'Invalid key in record at sections.Bad Name',
      path: 'sections.Bad Name',
    });
  });

  it('every edit of them: the same bundle, or the same refusal', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...recorded, labelled),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (doc, edits) => sameAsZod(edited(doc, edits)),
      ),
      { numRuns: 4000, seed: 20261205 },
    );
  });

  it('any JSON value at all', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => sameAsZod(doc)),
      { numRuns: 1000, seed: 20261205 },
    );
  });
});
