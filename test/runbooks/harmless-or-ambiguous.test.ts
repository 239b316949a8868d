import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';

let rulebook: CompiledRulebook;
beforeAll(() => {
  rulebook = loadRulebook();
});
const classify = (sections: Record<string, string>, platform: 'docker' | 'eks' = 'docker') =>
  classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target: { platform },
    collectedAt: '2026-11-23T00:00:00Z',
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  });
const score = (result: ReturnType<typeof classify>, id: string) =>
  result.explanations.find((e) => e.runbookId === id)?.confidence ?? 0;

const DIND_WARNING =
  'WARN[2026-11-22T23:59:00.100000000Z] could not change group /var/run/docker.sock to docker: group docker not found';

// A warning that is harmless where only root uses the socket and a failure where others need it.
describe("dockerd's missing docker group", () => {
  it('the warning alone (every docker-in-docker daemon prints it) is not a confident answer', () => {
    const r = classify({
      'docker.journal': `INFO[2026-11-22T23:59:00.000000000Z] Starting up\n${DIND_WARNING}\nINFO[2026-11-22T23:59:00.200000000Z] API listen on /var/run/docker.sock`,
    });
    expect(r.matches).toEqual([]);
    // Still the one candidate in the explanation: "could not decide", not "healthy".
    expect(score(r, 'docker-group-missing')).toBeGreaterThan(0.3);
  });

  it('the warning with a non-root client refused on the socket is docker-group-missing', () => {
    const r = classify({
      'docker.journal': DIND_WARNING,
      'docker.cli':
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.45/containers/json": dial unix /var/run/docker.sock: connect: permission denied',
    });
    expect(r.matches[0]).toMatchObject({ runbookId: 'docker-group-missing' });
    expect(r.matches[0]!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('a group that getent cannot find, with a client refused, is docker-group-missing too', () => {
    const r = classify({
      'security.groups':
        '$ getent group docker\n$ ls -l /var/run/docker.sock\nsrw-rw---- 1 root root 0 Nov 22 23:59 /var/run/docker.sock',
      'docker.cli':
        'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
    });
    expect(r.matches[0]?.runbookId).toBe('docker-group-missing');
  });

  it('a refused client with the group present is not the missing group', () => {
    const r = classify({
      'security.groups': '$ getent group docker\ndocker:x:998:ec2-user',
      'docker.cli':
        'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
    });
    expect(r.matches.map((m) => m.runbookId)).not.toContain('docker-group-missing');
  });

  it('dockerd refusing to start for a missing -G group still decides alone', () => {
    const r = classify({
      'docker.journal':
        "failed to start daemon: failed to load listeners: can't create unix socket /var/run/docker.sock: group docker not found",
    });
    expect(r.matches[0]?.runbookId).toBe('docker-group-missing');
  });
});
