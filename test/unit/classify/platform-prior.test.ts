import { describe, expect, it } from 'vitest';
import { compileRunbooks } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import {
  OTHER_PLATFORM_FACTOR,
  platformPrior,
} from '../../../lambdas/core/classify/platform-prior.js';
import {
  EVIDENCE_SCHEMA,
  type EvidenceBundle,
  type Platform,
} from '../../../lambdas/core/evidence/bundle.js';
import type { Runbook } from '../../../lambdas/core/runbook/model.js';
import { minimalRunbook } from '../../support/minimal-runbook.js';

function runbook(id: string, platform: Runbook['platform'], weight: number): Runbook {
  return minimalRunbook(
    id,
    [{ id: 'hit', description: 'd', weight, match: { pattern: 'connection timed out' } }],
    { platform },
  );
}
const bundle = (platform: Platform): EvidenceBundle => ({
  schema: EVIDENCE_SCHEMA,
  target: { platform },
  collectedAt: '2026-11-23T09:00:00Z',
  sections: { x: { output: 'connection timed out' } },
});

describe('platform prior', () => {
  it("keeps runbooks for any platform and for the bundle's own at full weight", () => {
    expect([
      platformPrior({ platform: 'any' }, 'docker'),
      platformPrior({ platform: 'eks' }, 'eks'),
      platformPrior({ platform: 'eks' }, 'docker'),
    ]).toEqual([1, 1, OTHER_PLATFORM_FACTOR]);
  });
  it('gives a tie on a docker host to the docker runbook and on an eks node to the eks one', () => {
    const rb = compileRunbooks([
      runbook('a-eks-only', 'eks', 0.8),
      runbook('b-docker-only', 'docker', 0.8),
    ]);
    expect(classifyEvidence(rb, bundle('docker')).matches.map((m) => m.runbookId)).toEqual([
      'b-docker-only',
      'a-eks-only',
    ]);
    expect(classifyEvidence(rb, bundle('eks')).matches.map((m) => m.runbookId)).toEqual([
      'a-eks-only',
      'b-docker-only',
    ]);
  });
  it("lets clearly stronger evidence for the other platform's runbook still win", () => {
    const rb = compileRunbooks([
      runbook('eks-only', 'eks', 0.95),
      runbook('docker-only', 'docker', 0.6),
    ]);
    expect(classifyEvidence(rb, bundle('docker')).matches[0]).toMatchObject({
      runbookId: 'eks-only',
      confidence: 0.855,
    });
  });
});
