// Pod logs are read with the kubelet's timestamps and bounded to the incident's window, as events
// are: most application and CoreDNS lines carry no time of their own, and a line without one
// counts as current, so a crash of days ago would decide the failure of now. And a log read cut
// at Paramedic's own limit is recorded as that, not in kubectl's words for an unreachable server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { ClusterReader } from '../../../lambdas/adapters/kubernetes/cluster-reader.js';
import { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { FakeApiServer, makeCertificates, type Scenario } from './fake-api-server.js';
import { loadScenario, writeKubeconfig } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.pod-log-window';
const POD = 'catalog-8b7a6c5d4-f3g4h';
const LOG_KEY = `shop/${POD}/catalog`;
const COREDNS = 'coredns-787cb67946-x2kqv';
const FOUR_DAYS_AGO = '2026-11-19T03:12:31Z';
/** A stamp as the kubelet prints it, nine fraction digits (RFC3339NanoFixed). */
const KUBELET_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z /;

let dir: string;
let server: FakeApiServer;
let rulebook: CompiledRulebook;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-pod-logs-'));
  const certs = makeCertificates();
  server = new FakeApiServer(certs, TOKEN, loadScenario('probe-failure-liveness'));
  await server.start();
  writeKubeconfig(join(dir, 'kubeconfig'), server.url, certs.ca, TOKEN);
  rulebook = loadRulebook();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** probe-failure-liveness (the readiness probe failing now), changed by `change`, collected. */
async function collect(
  change: (sc: Scenario) => void = () => undefined,
  requestTimeoutMs = 5000,
  unanswered: Record<string, number> = {},
): Promise<EvidenceBundle> {
  const sc = loadScenario('probe-failure-liveness');
  change(sc);
  server.load(sc);
  for (const [request, times] of Object.entries(unanswered)) server.unanswered.set(request, times);
  return new ClusterReader(new KubeconfigAccess(join(dir, 'kubeconfig')), {
    clock: { now: () => new Date(sc.now) },
    requestTimeoutMs,
  }).collect({ cluster: 'shop-prod', ...sc.target });
}

/** The catalog container's last run ended at `finishedAt`, crashing on a missing setting. */
function crashedOnConfigAt(finishedAt: string) {
  return (sc: Scenario) => {
    const pod = sc.objects.pods!.find((p) => p.metadata.name === POD)!;
    pod.status.containerStatuses[0].lastState.terminated.finishedAt = finishedAt;
    sc.logs![LOG_KEY] = {
      current:
        'catalog starting version=6.3.1\nWARN readiness: upstream pricing-api unavailable, reporting 503\n',
      previous:
        'catalog starting version=6.3.1\nFATAL config: required environment variable PRICING_URL is not set\n',
    };
  };
}

const top = (b: EvidenceBundle) => classifyEvidence(rulebook, b).matches[0]?.runbookId ?? null;
const matched = (b: EvidenceBundle) =>
  classifyEvidence(rulebook, b).matches.map((m) => m.runbookId);

describe('pod logs carry the time of each line and only the incident window', () => {
  it('every log read asks for timestamps and the window (15 minutes: sinceSeconds=900), and every line carries its stamp', async () => {
    const b = await collect();
    const reads = server.requests.filter((r) => r.path.includes('/log?'));
    expect(reads.length).toBeGreaterThanOrEqual(3); // current, previous, CoreDNS
    for (const r of reads) {
      expect(r.path).toContain('timestamps=true');
      expect(r.path).toContain('sinceSeconds=900');
    }
    const lines = b.sections['k8s.pod-logs']!.output.split('\n').filter((l) => l !== '');
    for (const line of lines.filter((l) => !l.startsWith('$ ')))
      expect(line).toMatch(KUBELET_STAMP);
  });

  it('a previous run that ended days before the window is not read, the section says so, and its crash does not decide', async () => {
    const b = await collect(crashedOnConfigAt(FOUR_DAYS_AGO));
    expect(server.requests.some((r) => r.path.includes('previous=true'))).toBe(false);
    const logs = b.sections['k8s.pod-logs']!.output;
    expect(logs).toContain(
      'Paramedic: the previous run of container catalog ended at 2026-11-19T03:12:31.000Z, before the incident window (from 2026-11-23T08:45:00.000Z): its log (--previous) was not read',
    );
    expect(logs).not.toContain('PRICING_URL');
    expect(matched(b)).not.toContain('crashloop-config-error');
  });

  it('a previous run that ended inside the window is read, and its crash decides', async () => {
    const b = await collect(crashedOnConfigAt('2026-11-23T08:57:00Z'));
    expect(b.sections['k8s.pod-logs']!.output).toMatch(
      /--previous --timestamps --since=900s --tail=100\n2026-11-23T08:57:00\.000000000Z catalog starting/,
    );
    expect(top(b)).toBe('crashloop-config-error');
  });

  it("CoreDNS lines logged before the window are left out (the kubelet's since), the window's are kept with their time", async () => {
    const timeouts = (at: string) =>
      `${at} [ERROR] plugin/errors: 2 sts.eu-west-1.amazonaws.com. A: read udp 10.0.2.14:43210->10.0.0.2:53: i/o timeout\n`;
    const stale = await collect((sc) => {
      sc.logs![`kube-system/${COREDNS}/coredns`] = {
        current: timeouts('2026-11-19T03:10:00.000000000Z'),
      };
    });
    expect(stale.sections['k8s.pod-logs']!.output).not.toContain('plugin/errors');
    expect(matched(stale)).not.toContain('dns-resolution-failure');

    const now = await collect((sc) => {
      sc.logs![`kube-system/${COREDNS}/coredns`] = {
        current: timeouts('2026-11-23T08:58:00.000000000Z'),
      };
    });
    expect(now.sections['k8s.pod-logs']!.output).toContain(
      '2026-11-23T08:58:00.000000000Z [ERROR] plugin/errors: 2 sts.eu-west-1.amazonaws.com. A:',
    );
    expect(matched(now)).toContain('dns-resolution-failure');
  });
});

describe("a log read cut at Paramedic's limit is not an unreachable API server", () => {
  it('the section records the read that timed out and the limit; the API server that answered the rest is not called unavailable', async () => {
    const b = await collect(undefined, 300, {
      [`GET /api/v1/namespaces/shop/pods/${POD}/log`]: 2,
    });
    const logs = b.sections['k8s.pod-logs']!;
    expect(logs.error).toMatch(
      `Paramedic: read log of shop/${POD} container catalog timed out after 300 ms`,
    );
    expect(logs.output).not.toContain('Unable to connect to the server');
    expect(b.sections['k8s.cluster']!.output).toContain('readyz check passed');
    expect(matched(b)).not.toContain('control-plane-unavailable');
  });

  it('an API server that answers no read at all is still unreachable in k8s.cluster, and classified so', async () => {
    const b = await collect(undefined, 300, { 'GET /': 1000 });
    expect(b.sections['k8s.cluster']!.output).toContain(
      'Unable to connect to the server: GET /version timed out after 300 ms',
    );
    expect(top(b)).toBe('control-plane-unavailable');
  });
});
