/**
 * An absence read from a section built from a list the reader cut at its bound proves nothing: the
 * unread part may hold the line. The cluster reader marks such a section's error `incomplete: `.
 */
import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { isIncompleteSection } from '../../../lambdas/core/evidence/incomplete-section.js';

const rulebook = loadRulebook();

// A container with a memory limit SIGKILLed (137, no reason): the OOM killer, unless the kubelet's
// events show another sender (a failed liveness probe, an eviction).
const pods = [
  'Containers:',
  '  api:',
  '    Last State:     Terminated',
  '      Exit Code:    137',
  '    Limits:',
  '      memory:  250Mi',
].join('\n');

function oomSignals(eventsError?: string): string[] {
  const result = classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target: { platform: 'eks' },
    collectedAt: '2026-11-23T00:00:00Z',
    sections: {
      'k8s.pods': { command: 'kubectl describe pod api', output: pods },
      'k8s.events': {
        command: 'kubectl get events',
        output: 'No resources found in shop namespace.\n',
        ...(eventsError ? { error: eventsError, truncated: true } : {}),
      },
    },
  });
  return (
    result.explanations.find((e) => e.runbookId === 'oom-killed')?.signals.map((s) => s.id) ?? []
  );
}

describe('absent over an incomplete section', () => {
  it('a SIGKILL under a memory limit is read as the OOM killer only where the events were read whole', () => {
    expect(oomSignals()).toContain('sigkill-under-memory-limit');
    expect(oomSignals('incomplete: list events of shop/api: more than 2000 items')).not.toContain(
      'sigkill-under-memory-limit',
    );
    // Another error on the section (a forbidden list) is not a cut list: the rule stands as before.
    expect(oomSignals('Error from server (Forbidden): events is forbidden')).toContain(
      'sigkill-under-memory-limit',
    );
  });

  it('the mark is read among joined errors', () => {
    expect(
      isIncompleteSection({ error: 'HTTP 500; incomplete: list pods: more than 2 pages' }),
    ).toBe(true);
    expect(isIncompleteSection({ error: 'the list was incomplete: retry' })).toBe(false);
    expect(isIncompleteSection(undefined)).toBe(false);
  });
});
