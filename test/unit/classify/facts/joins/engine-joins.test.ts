import { describe, expect, it } from 'vitest';
import { compileRunbooks } from '../../../../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../../../../lambdas/core/classify/engine.js';
import {
  EVIDENCE_SCHEMA,
  type EvidenceBundle,
} from '../../../../../lambdas/core/evidence/bundle.js';
import type { FactMatch, Runbook } from '../../../../../lambdas/core/runbook/model.js';

const onlyFact = (match: FactMatch): Runbook => ({
  id: 'joined',
  title: 'joined',
  platform: 'any',
  summary: 's',
  why: 'w',
  evidence: { sections: ['*'] },
  signals: [{ id: 's', description: 'd', weight: 0.9, match }],
  rulesOut: [],
  supersededBy: [],
  remediation: {
    safety: 'report-only',
    summary: 'r',
    steps: [{ action: 'report' }],
    guards: { cooldownMinutes: 1, maxTargets: 1, maxFailuresPerDay: 1 },
  },
  verify: { description: 'v', collect: [], expectCleared: true, checks: [] },
  references: [],
});

describe('the engine runs joins', () => {
  it("parses a join's input facts though no runbook names them, and shows both halves", () => {
    const rulebook = compileRunbooks([
      onlyFact({ fact: 'port.published', where: { listener: 'loopback' } }),
    ]);
    expect(rulebook.factKinds.has('net.listener')).toBe(true);
    const result = classifyEvidence(rulebook, {
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'docker' },
      collectedAt: '2026-12-02T10:05:00Z',
      sections: {
        'docker.ps': {
          output:
            'CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS         PORTS                  NAMES\nabc   web   "node ."   1 hour ago   Up 1 hour   0.0.0.0:80->3000/tcp   web',
        },
        'net.sockets': {
          output: '# netns container=web pid=9\nLISTEN 0 511 127.0.0.1:3000 0.0.0.0:*',
        },
      },
    });
    expect(result.matches[0]?.evidence.map((e) => [e.section, e.line])).toEqual([
      ['docker.ps', 2],
      ['net.sockets', 2],
    ]);
  });

  it('hands a join only sections that showed its markers: no Service selector, no service facts', () => {
    const rulebook = compileRunbooks([
      onlyFact({ fact: 'service.selection', where: { selectorConflict: true } }),
    ]);
    const bundle = (services: string): EvidenceBundle => ({
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'eks' },
      collectedAt: '2026-12-02T10:05:00Z',
      sections: { 'k8s.services': { output: services } },
    });
    const yaml =
      'kind: Service\nmetadata:\n  name: a\n  labels:\n    app: a\nspec:\n  selector:\n    app: b';
    expect(classifyEvidence(rulebook, bundle(yaml)).matches).toHaveLength(1);
    expect(
      classifyEvidence(rulebook, bundle(yaml.replace('selector:', 'matchLabels:'))).matches,
    ).toEqual([]);
  });
});
