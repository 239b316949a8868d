import type { Runbook, Signal } from '../../lambdas/core/runbook/model.js';

/** A runbook with only the given signals and the least of everything else (report-only, no checks), or `extra`. */
export function minimalRunbook(
  id: string,
  signals: Signal[],
  extra: Partial<Runbook> = {},
): Runbook {
  return {
    id,
    title: id,
    platform: 'any',
    summary: 's',
    why: 'w',
    evidence: { sections: ['*'] },
    signals,
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
    ...extra,
  };
}
