/**
 * Verify judges a fix by evidence from after it: a failure line logged before the remediation
 * proves nothing in Verify, the same failure logged again after it keeps the run not cleared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { EVIDENCE_SCHEMA, type EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { fixTime, verifyCollection } from '../../../lambdas/core/workflow/collection-phases.js';
import { classifyStored } from '../../../lambdas/core/workflow/stored-classification.js';
import { runbookOf } from '../../../lambdas/core/workflow/runbook-lookup.js';
import type { WorkflowState } from '../../../lambdas/core/workflow/model.js';
import type { EvidenceStore } from '../../../lambdas/core/workflow/ports.js';
import { decideVerification } from '../../../lambdas/core/workflow/verification.js';

const rulebook = loadRulebook();
const RUNBOOK = 'registry-dns-failure';
const TARGET = 'i-0a1b2c3d4e5f60701';
/** A real dockerd pull failing on registry DNS, logged 2026-11-23T11:20:31Z (logrus `time=` stamps). */
const recorded = JSON.parse(
  readFileSync(
    join(REPO_ROOT, 'test', 'fixtures', 'recorded', 'docker-registry-dns-invalid.json'),
    'utf8',
  ),
);
const FIXED_AT = '2026-11-23T11:21:00.000Z';

/** The recorded sections as the verification collection after the fix brought them back. */
function bundleWith(sections: EvidenceBundle['sections']): EvidenceBundle {
  return {
    schema: EVIDENCE_SCHEMA,
    target: { platform: 'docker', instanceId: TARGET, container: 'web' },
    collectedAt: '2026-11-23T11:24:00.000Z',
    incident: { at: '2026-11-23T11:20:40.000Z' },
    sections,
  };
}

/** The same daemon log with its failure logged once more, a minute after the fix. */
function recurredAfterFix(): EvidenceBundle['sections'] {
  const journal = recorded.sections['docker.journal'];
  const again = (journal.output as string)
    .split('\n')
    .filter((l) => l.includes('2026-11-23T11:20:31'))
    .map((l) => l.replaceAll('2026-11-23T11:20:31', '2026-11-23T11:22:31'));
  expect(again.length).toBeGreaterThan(0);
  return {
    ...recorded.sections,
    'docker.journal': { ...journal, output: `${journal.output}${again.join('\n')}\n` },
  };
}

async function verifyAgainst(bundle: EvidenceBundle, fixedAt: string | null) {
  const evidence: EvidenceStore = {
    put: async () => ({ uri: 'mem://x' }) as never,
    get: async () => bundle,
  };
  const runbook = runbookOf(rulebook, RUNBOOK)!;
  const classified = await classifyStored(
    { evidence, rulebook },
    [{ target: TARGET, status: 'Success', ref: { uri: 'mem://verify' } } as never],
    runbook,
    fixedAt,
  );
  return decideVerification({
    runbook,
    matches: classified.map((c) => ({
      target: c.target,
      runbookIds: c.result.matches.map((m) => m.runbookId),
    })),
    uncollected: [],
  });
}

describe('Verify counts only evidence from after the fix', () => {
  it('the failure logged before the fix matches in the incident window (the evidence this test rests on)', async () => {
    expect((await verifyAgainst(bundleWith(recorded.sections), null)).stillMatching).toEqual([
      TARGET,
    ]);
  });

  it('a failure line from before the fix proves nothing in Verify: cleared', async () => {
    expect(await verifyAgainst(bundleWith(recorded.sections), FIXED_AT)).toMatchObject({
      cleared: true,
      stillMatching: [],
    });
  });

  it('the same failure recurring after the fix keeps it matching: not cleared, so a real non-fix still escalates', async () => {
    const decision = await verifyAgainst(bundleWith(recurredAfterFix()), FIXED_AT);
    expect(decision).toMatchObject({ cleared: false, stillMatching: [TARGET] });
    expect(decision.reason).toBe(`${RUNBOOK} still matches the new evidence of ${TARGET}`);
  });

  it('a bundle stamped with a later window by its collector still gets the fix as its start', async () => {
    // The collector's stamp is replaced, not trusted: the fix time is the workflow's record.
    const stamped = {
      ...bundleWith(recurredAfterFix()),
      incident: { at: '2026-11-23T11:20:40.000Z', remediatedAt: '2026-11-23T11:23:00.000Z' },
    };
    expect((await verifyAgainst(stamped, FIXED_AT)).stillMatching).toEqual([TARGET]);
  });
});

describe('the fix time Verify windows from', () => {
  const base = {
    intake: {
      trigger: { at: '2026-11-23T11:20:40.000Z' },
      targets: [{ id: TARGET, platform: 'docker' }],
    },
    plan: { targets: [TARGET] },
  } as unknown as WorkflowState;

  it('is the remediation end; without one the approval (the last time recorded before the first step); else none', () => {
    expect(
      fixTime({
        ...base,
        approval: { approved: true, approver: 'a', at: '2026-11-23T11:20:50.000Z' },
        remediation: { nextStep: 2, done: true, failed: false, outcomes: [], finishedAt: FIXED_AT },
      }),
    ).toBe(FIXED_AT);
    expect(
      fixTime({
        ...base,
        approval: { approved: true, approver: 'a', at: '2026-11-23T11:20:50.000Z' },
        remediation: { nextStep: 2, done: true, failed: false, outcomes: [] },
      }),
    ).toBe('2026-11-23T11:20:50.000Z');
    expect(fixTime(base)).toBeNull();
    expect(
      verifyCollection('Verify', {
        ...base,
        remediation: { nextStep: 2, done: true, failed: false, outcomes: [], finishedAt: FIXED_AT },
      }).timing,
    ).toEqual({ incidentTime: '2026-11-23T11:20:40.000Z', remediatedAt: FIXED_AT });
  });
});
