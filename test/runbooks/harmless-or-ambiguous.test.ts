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

// The same words for two causes: never a confident answer, both candidates kept.
describe("Docker Hub's 'pull access denied ... does not exist or may require docker login'", () => {
  const denied = (name: string) =>
    `Error response from daemon: pull access denied for ${name}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;

  it('alone, for a namespaced repository, decides neither missing nor private', () => {
    for (const platform of ['docker', 'eks'] as const) {
      const r = classify({ 'docker.cli': denied('acme/billing-api') }, platform);
      expect(r.matches).toEqual([]);
      expect(score(r, 'registry-auth-required')).toBeGreaterThan(0.3);
      expect(score(r, 'image-not-found')).toBeGreaterThan(0.3);
    }
  });

  it('for an official image name (no slash, all public) is a missing image', () => {
    const r = classify({
      'docker.cli': `Unable to find image 'nosuchimage:latest' locally\n${denied('nosuchimage')}`,
    });
    expect(r.matches[0]?.runbookId).toBe('image-not-found');
    expect(score(r, 'registry-auth-required')).toBeLessThan(0.5);
  });

  it('with the registry saying authentication is required is registry-auth-required', () => {
    const r = classify({
      'docker.cli': `${denied('acme/billing-api')}\nError response from daemon: Head "https://registry.example.invalid/v2/acme/billing-api/manifests/1.0": unauthorized: authentication required`,
    });
    expect(r.matches[0]?.runbookId).toBe('registry-auth-required');
  });

  it('with the registry saying the manifest is unknown is image-not-found', () => {
    const r = classify({
      'docker.cli': `${denied('acme/billing-api')}\nmanifest for acme/billing-api:9.9 not found: manifest unknown: manifest unknown`,
    });
    expect(r.matches[0]?.runbookId).toBe('image-not-found');
  });

  it('a host-qualified name is not an official image', () => {
    const r = classify({ 'docker.cli': denied('registry.example.invalid/team/app') });
    expect(r.matches).toEqual([]);
  });
});

// Event counts and ages as the API records them (kubectl get events -o yaml).
describe('probe events read as Event objects', () => {
  const events = (count: number, last: string) =>
    [
      'apiVersion: v1',
      'items:',
      '- involvedObject:',
      '    kind: Pod',
      '    name: web-1',
      '  count: 1',
      '  lastTimestamp: "2026-11-22T23:57:00Z"',
      '  message: Started container web',
      '  reason: Started',
      '  type: Normal',
      '- involvedObject:',
      '    kind: Pod',
      '    name: web-1',
      `  count: ${count}`,
      '  firstTimestamp: "2026-11-22T23:57:05Z"',
      `  lastTimestamp: "${last}"`,
      '  message: "Readiness probe failed: Get \\"http://10.0.0.7:8080/ready\\": connect: connection refused"',
      '  reason: Unhealthy',
      '  type: Warning',
    ].join('\n');

  it('one readiness failure right after the start is the probe holding traffic back', () => {
    const r = classify({ 'k8s.events': events(1, '2026-11-22T23:57:05Z') }, 'eks');
    expect(r.matches).toEqual([]);
    expect(
      r.explanations.find((e) => e.runbookId === 'probe-failure')?.ruledOutBy.map((x) => x.id),
    ).toEqual(['one-readiness-failure-at-start']);
  });

  it('the same failure counted 40 times and still current is a failing probe', () => {
    const r = classify({ 'k8s.events': events(40, '2026-11-22T23:59:30Z') }, 'eks');
    expect(r.matches[0]?.runbookId).toBe('probe-failure');
  });

  it('the same 40 failures last seen an hour before the collection prove nothing', () => {
    const r = classify(
      { 'k8s.events': events(40, '2026-11-22T22:59:30Z').replace('23:57:00Z', '22:57:00Z') },
      'eks',
    );
    expect(r.matches).toEqual([]);
  });
});
