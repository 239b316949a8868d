// Pod and container logs read with the runtime's timestamps (`kubectl logs --timestamps`, `docker
// logs --timestamps`): each line carries the time it was logged, so a line from before the
// incident's window proves nothing, and a pattern anchored at `^` still reads the line the program
// wrote, after the stamp. Fixtures: review 13's bundles as the cluster reader collects them now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { rulebook, top } from './support.js';

const FIXTURES = join(__dirname, '../../fixtures/kubernetes/stale-logs');

/** The runbook ids a fixture bundle matches, best first, and the label it carries. */
function classified(name: string): { ids: string[]; label: string | null } {
  const { bundle, labelled } = parseEvidenceDocument(
    JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')),
  );
  const ids = classifyEvidence(rulebook, bundle).matches.map((m) => m.runbookId);
  return { ids, label: labelled!.label };
}

describe('a log line from before the window does not decide', () => {
  it('a previous run that crashed days ago (not read; the section says so) is not why the probe fails now; the same crash in the window decides', () => {
    const old = classified('f12-previous-log-days-old');
    expect(old.ids).not.toContain('crashloop-config-error');
    expect(old.ids[0]).toBe(old.label);
    const control = classified('f12-control-previous-log-in-window');
    expect(control.ids[0]).toBe('crashloop-config-error');
  });

  it('CoreDNS timeouts stamped days ago do not rank DNS first; the same timeouts in the window do', () => {
    const old = classified('f1-coredns-timeouts-days-old');
    expect(old.ids).not.toContain('dns-resolution-failure');
    expect(old.ids[0]).toBe('crashloop-config-error');
    expect(classified('f1-control-coredns-timeouts-in-window').ids[0]).toBe(
      'dns-resolution-failure',
    );
  });

  it("a log read cut at Paramedic's limit is no unavailable control plane", () => {
    expect(classified('f5-log-read-timed-out').ids).toEqual([]);
  });
});

describe("a pattern anchored at the line's start reads the program's line, after the runtime's stamp", () => {
  const restarted = { 'k8s.events': 'Warning  BackOff  Back-off restarting failed container app' };
  for (const section of ['k8s.pod-logs', 'docker.logs'])
    it(`usage text printed by a restarted container (${section})`, () => {
      const usage =
        '2026-11-22T23:58:00.123456789Z Usage of /app:\n2026-11-22T23:58:00.123456789Z   -listen string';
      expect(top({ [section]: usage, ...restarted })).toBe('crashloop-config-error');
    });

  it('only in a section the runtime stamps: elsewhere the line starts where it starts', () => {
    expect(
      top({ 'kubelet.journal': '2026-11-22T23:58:00.123456789Z Usage of /app:', ...restarted }),
    ).toBeNull();
  });
});
