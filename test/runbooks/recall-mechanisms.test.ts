import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA, type Platform } from '../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';

let rulebook: CompiledRulebook;
beforeAll(() => {
  rulebook = loadRulebook();
});
const top = (sections: Record<string, string>, platform: Platform = 'eks') =>
  classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target: { platform },
    collectedAt: '2026-11-23T00:00:00Z',
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  }).matches[0]?.runbookId ?? null;

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it('a daemon registry request that timed out (context deadline, legacy "Network timed out") is egress; a lookup in it is not', () => {
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": context deadline exceeded',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Pulling repository docker.io/acme/api\nNetwork timed out while trying to connect to https://index.docker.io/v1/repositories/acme/api/images. You may want to check your internet connection or if you are behind a proxy.',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 127.0.0.53:53: read udp 127.0.0.1:4242->127.0.0.53:53: i/o timeout',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
    // The API server's endpoint timing out is the control plane's business, not egress.
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://10.100.0.1:443/api/v1/namespaces/kube-system/configmaps/x": context deadline exceeded',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

  it('a package the runtime cannot find from a path (Bun, Node ESM) is a missing dependency', () => {
    expect(
      top(
        {
          'docker.logs':
            "error: Cannot find package 'left-pad' from '/app/src/index.ts'\n\nBun v1.2.0 (Linux x64)",
        },
        'docker',
      ),
    ).toBe('crashloop-missing-dependency');
    expect(
      top({ 'k8s.pod-logs': 'error: Cannot find module "./routes" from "/srv/app/server.js"' }),
    ).toBe('crashloop-missing-dependency');
    // A test runner resolving relative to a test file is not a container start.
    expect(
      top({ 'docker.logs': "Cannot find module 'fixtures' from 'src/app.test.js'" }, 'docker'),
    ).toBeNull();
  });

  it('a Go dial that timed out with no address (the lookup timed out) is cluster DNS; one with an address is not', () => {
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="RequestError: send request failed caused by: Get https://api.example.invalid/v1/items: dial tcp: i/o timeout"',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="Get https://api.example.invalid/v1/items: dial tcp 10.20.30.40:8443: i/o timeout"',
      }),
    ).not.toBe('dns-resolution-failure');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get https://registry.example.invalid/v2/: dial tcp: i/o timeout',
        },
        'docker',
      ),
    ).not.toBe('dns-resolution-failure');
  });

  it('CoreDNS not ready for as many probes as the kubelet needs is cluster DNS down; a slow start is not', () => {
    const waiting = '[INFO] plugin/ready: Still waiting on: "kubernetes"';
    expect(
      top({ 'k8s.pod-logs': `.:53\nCoreDNS-1.11.1\n${waiting}\n${waiting}\n${waiting}` }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs': `[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server\n${waiting}\n.:53\nCoreDNS-1.11.1\n[INFO] plugin/reload: Running configuration SHA512 = 0123`,
      }),
    ).toBeNull();
  });

  it('pods standing Evicted are disk pressure unless memory or PID pressure is named', () => {
    const evicted =
      'NAME                   READY   STATUS    RESTARTS   AGE\nweb-7c9f8d-2kq4x       0/1     Evicted   0          3h\nweb-7c9f8d-8hz1m       0/1     Evicted   0          2h\nweb-7c9f8d-x7p2c       1/1     Running   0          1h';
    expect(top({ 'k8s.pods': evicted })).toBe('node-disk-pressure');
    // Evicted pods left over from an old incident (every one days old) prove nothing about now.
    expect(top({ 'k8s.pods': evicted.replace(' 3h', '38d').replace(' 2h', '5d7h') })).toBeNull();
    expect(
      top({
        'k8s.pods': evicted,
        'k8s.events':
          'Warning  Evicted  pod/web-7c9f8d-2kq4x  The node was low on resource: memory. Container web was using 900Mi, which exceeds its request of 256Mi.',
      }),
    ).not.toBe('node-disk-pressure');
    expect(
      top({
        'k8s.pods':
          'NAME                   READY   STATUS    RESTARTS   AGE\nweb-7c9f8d-2kq4x       0/1     Evicted   0          3h\nweb-7c9f8d-x7p2c       1/1     Running   0          1h',
      }),
    ).toBeNull();
  });
  it("a workload's probe of :6443 is the workload's (aggregated API servers serve there); the API server's own probe names it", () => {
    const matched = (pod: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: {
          'k8s.events': {
            output: `LAST SEEN   TYPE      REASON      OBJECT     MESSAGE\n2m   Warning   Unhealthy   pod/${pod}   Liveness probe failed: Get "https://10.0.3.7:6443/healthz": dial tcp 10.0.3.7:6443: connect: connection refused`,
          },
        },
      }).matches.map((m) => m.runbookId);
    expect(matched('prometheus-adapter-7d9f8-x2x4q')).not.toContain('control-plane-unavailable');
    expect(matched('prometheus-adapter-7d9f8-x2x4q')[0]).toBe('probe-failure');
    expect(matched('kube-apiserver-cp-1')).toContain('control-plane-unavailable');
  });
});
