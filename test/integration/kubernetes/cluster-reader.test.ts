import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { ClusterReader } from '../../../lambdas/adapters/kubernetes/cluster-reader.js';
import { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import type { ListBounds } from '../../../lambdas/adapters/kubernetes/paged-list.js';
import { FakeApiServer, makeCertificates } from './fake-api-server.js';
import { FIXTURES, loadScenario, scenarioIds, writeKubeconfig } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.test-token-for-the-fake-api-server';
let dir: string;
let certs: ReturnType<typeof makeCertificates>;
let server: FakeApiServer;
let rulebook: CompiledRulebook;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-kube-'));
  certs = makeCertificates();
  server = new FakeApiServer(certs, TOKEN, loadScenario(scenarioIds()[0]!));
  await server.start();
  rulebook = loadRulebook();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(
  id: string,
  verifying?: {
    readonly remediatedAt: string;
    readonly now: string;
    change(sc: ReturnType<typeof loadScenario>): void;
  },
): Promise<EvidenceBundle> {
  const sc = loadScenario(id);
  verifying?.change(sc);
  const kubeconfig = join(dir, `${id}.kubeconfig`);
  if (sc.down) {
    // A port that was just released: connections are refused.
    const closed = new FakeApiServer(certs, TOKEN, sc);
    await closed.start();
    const url = closed.url;
    await closed.stop();
    writeKubeconfig(kubeconfig, url, certs.ca, TOKEN);
  } else {
    server.load(sc);
    writeKubeconfig(kubeconfig, server.url, certs.ca, TOKEN);
  }
  const reader = new ClusterReader(new KubeconfigAccess(kubeconfig), {
    clock: { now: () => new Date(verifying?.now ?? sc.now) },
    requestTimeoutMs: 5000,
  });
  return reader.collect({
    cluster: 'shop-prod',
    ...sc.target,
    ...(verifying ? { incidentTime: sc.now, remediatedAt: verifying.remediatedAt } : {}),
  });
}

describe('cluster reader against a local HTTPS API server', () => {
  it('renders every k8s.* section of a pod with kubectl wording', async () => {
    const b = await collect('oom-killed-pod');
    expect(b.target).toMatchObject({
      platform: 'eks',
      cluster: 'shop-prod',
      namespace: 'shop',
      pod: 'reports-6f5d4c3b2-k7j6h',
      node: 'ip-10-0-1-23.eu-west-1.compute.internal',
    });
    expect(Object.keys(b.sections)).toEqual([
      'k8s.cluster',
      'k8s.node',
      'k8s.pods',
      'k8s.events',
      'k8s.pod-logs',
      'k8s.networkpolicies',
      'k8s.services',
    ]);
    const pods = b.sections['k8s.pods']!.output;
    expect(pods).toContain(
      '    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n',
    );
    expect(pods).toContain('    Restart Count:  7\n');
    expect(b.sections['k8s.events']!.output).toMatch(
      /^LAST SEEN   TYPE      REASON    OBJECT\s+MESSAGE$/m,
    );
    expect(b.sections['k8s.events']!.output).toContain(
      'Back-off restarting failed container reports in pod reports-6f5d4c3b2-k7j6h_shop',
    );
    expect(b.sections['k8s.pod-logs']!.output).toContain(
      '--previous --timestamps --since=900s --tail=100\n2026-11-23T08:57:01.000000000Z 2026-11-23T08:57:01Z INFO building monthly report',
    );
    expect(b.sections['k8s.cluster']!.output).toContain('readyz check passed');
    expect(b.sections['k8s.cluster']!.error).toBeUndefined();
  });

  it("shows the cluster DNS Service's ClusterIP in k8s.cluster, after the CoreDNS pods", async () => {
    const b = await collect('oom-killed-pod');
    expect(b.sections['k8s.cluster']!.output).toContain(
      [
        'CoreDNS: 2/2 pods ready',
        '',
        '$ kubectl -n kube-system get service kube-dns',
        'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE',
        'kube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   6d6h',
        '',
      ].join('\n'),
    );
    expect(
      server.requests.filter((r) => r.path === '/api/v1/namespaces/kube-system/services/kube-dns'),
    ).toHaveLength(1);
  });

  it("a cluster without a Service kube-dns gets a neutral line, not an error; a refused read is printed, and is not the section's error either", async () => {
    const sc = loadScenario('oom-killed-pod');
    sc.objects.services = (sc.objects.services ?? []).filter(
      (s) => s.metadata?.name !== 'kube-dns',
    );
    server.load(sc);
    const kubeconfig = join(dir, 'no-kube-dns.kubeconfig');
    writeKubeconfig(kubeconfig, server.url, certs.ca, TOKEN);
    const read = () =>
      new ClusterReader(new KubeconfigAccess(kubeconfig), {
        clock: { now: () => new Date(sc.now) },
      }).collect(sc.target);
    const absent = (await read()).sections['k8s.cluster']!;
    expect(absent.output).toContain(
      '$ kubectl -n kube-system get service kube-dns\n(no Service kube-dns in kube-system)\n',
    );
    expect(absent.output).not.toMatch(/NotFound|not found/);
    expect(absent.error).toBeUndefined();
    expect(absent.exitCode).toBe(0);

    server.denied.add('get services');
    const refused = (await read()).sections['k8s.cluster']!;
    const forbidden = `Error from server (Forbidden): services "kube-dns" is forbidden: User "${server.user}" cannot get resource "services" in API group "" in the namespace "kube-system"`;
    expect(refused.output).toContain(
      `$ kubectl -n kube-system get service kube-dns\n${forbidden}\n`,
    );
    // A role from before this read: the control plane's reads still decide the section.
    expect(refused.error).toBeUndefined();
  });

  it("rejects a wrong bearer token with the API server's 401 in every section, not an exception", async () => {
    const sc = loadScenario('oom-killed-pod');
    server.load(sc);
    const kubeconfig = join(dir, 'wrong.kubeconfig');
    writeKubeconfig(kubeconfig, server.url, certs.ca, 'k8s-aws-v1.wrong');
    const b = await new ClusterReader(new KubeconfigAccess(kubeconfig), {
      clock: { now: () => new Date(sc.now) },
    }).collect(sc.target);
    expect(b.sections['k8s.pods']!.error).toMatch(/Unauthorized/);
    expect(b.sections['k8s.cluster']!.error).toMatch(/Unauthorized/);
  });

  it('fails TLS verification against a CA that did not sign the server certificate', async () => {
    const sc = loadScenario('oom-killed-pod');
    server.load(sc);
    const other = makeCertificates();
    const kubeconfig = join(dir, 'badca.kubeconfig');
    writeKubeconfig(kubeconfig, server.url, other.ca, TOKEN);
    const b = await new ClusterReader(new KubeconfigAccess(kubeconfig), {
      clock: { now: () => new Date(sc.now) },
    }).collect({ node: 'ip-10-0-1-23.eu-west-1.compute.internal' });
    expect(b.sections['k8s.node']!.output).toMatch(
      /Unable to connect to the server: .*(certificate|verify)/i,
    );
    expect(server.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(0);
  });

  it('records each failing read in its section when etcd is down and still renders the rest', async () => {
    const b = await collect('control-plane-unavailable-etcd');
    expect(b.sections['k8s.pods']!.output).toBe('Error from server: etcdserver: request timed out');
    expect(b.sections['k8s.cluster']!.output).toContain('[-]etcd failed: reason withheld');
    expect(b.sections['k8s.cluster']!.error).toMatch(/readyz returned HTTP 500/);
  });

  it('bounds log reads with tailLines and limitBytes', async () => {
    await collect('probe-failure-liveness');
    const logReads = server.requests.filter((r) => r.path.includes('/log?'));
    expect(logReads.length).toBeGreaterThanOrEqual(2);
    for (const r of logReads) expect(r.path).toMatch(/tailLines=\d+/);
    expect(logReads.some((r) => r.path.includes('previous=true'))).toBe(true);
  });
});

describe("a pod's events in a busy namespace", () => {
  const POD = 'reports-6f5d4c3b2-k7j6h';
  /** The oom-killed-pod scenario with `others` events of other pods listed before the pod's own. */
  async function collectAmong(others: number, listBounds?: ListBounds): Promise<EvidenceBundle> {
    const sc = loadScenario('oom-killed-pod');
    const own = sc.objects.events ?? [];
    sc.objects.events = [
      ...Array.from({ length: others }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `batch-${i}.17a`, namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: `batch-${i}`, namespace: 'shop' },
        reason: 'Scheduled',
        message: `Successfully assigned shop/batch-${i} to ip-10-0-1-23.eu-west-1.compute.internal`,
        type: 'Normal',
        lastTimestamp: '2026-11-23T08:59:00Z',
        count: 1,
      })),
      ...own,
    ];
    server.load(sc);
    const kubeconfig = join(dir, 'busy.kubeconfig');
    writeKubeconfig(kubeconfig, server.url, certs.ca, TOKEN);
    return new ClusterReader(new KubeconfigAccess(kubeconfig), {
      clock: { now: () => new Date(sc.now) },
      ...(listBounds ? { listBounds } : {}),
    }).collect({ cluster: 'shop-prod', ...sc.target });
  }

  it('are read by field selector, so 2,100 other events in the namespace hide none of them', async () => {
    const b = await collectAmong(2100);
    expect(b.sections['k8s.events']!.output).toContain(
      `Back-off restarting failed container reports in pod ${POD}_shop`,
    );
    expect(b.sections['k8s.pods']!.output).toMatch(/BackOff/);
    const eventLists = server.requests.filter((r) => /\/events\?/.test(r.path));
    expect(eventLists.length).toBeGreaterThan(0);
    for (const r of eventLists) expect(r.path).toMatch(/fieldSelector=involvedObject/);
    expect(eventLists.map((r) => decodeURIComponent(r.path))).toContainEqual(
      expect.stringContaining(`involvedObject.name=${POD},involvedObject.namespace=shop`),
    );
    expect(b.sections['k8s.events']!.error).toBeUndefined();
  });

  it("a list cut at its bound marks the section truncated with an error, never a clean 'No resources found'", async () => {
    const b = await collectAmong(0, { pageSize: 1, maxItems: 1 });
    const events = b.sections['k8s.events']!;
    expect(events.truncated).toBe(true);
    expect(events.error).toMatch(
      new RegExp(`^incomplete: list events of shop/${POD}: more than 1 items`),
    );
    expect(events.output).toMatch(
      /Paramedic: incomplete: lists cut at their bound .* an absence here proves nothing/,
    );
    expect(b.sections['k8s.pods']!).toMatchObject({
      truncated: true,
      error: expect.stringMatching(/^incomplete: /),
    });
  });
});

describe('a read that verifies a fix keeps only the events that happened after it', () => {
  // The probe-failure scenario's events last happened at 08:57-08:59; the pod was deleted at 09:05.
  const FIXED = '2026-11-23T09:05:00Z';
  const events = (b: EvidenceBundle) => b.sections['k8s.events']!.output;

  it('an event whose last occurrence is before the fix is left out, however often it happened before', async () => {
    const b = await collect('probe-failure-liveness', {
      remediatedAt: FIXED,
      now: '2026-11-23T09:10:00Z',
      change: () => undefined,
    });
    expect(events(b)).not.toMatch(/probe failed/i);
    expect(b.incident).toMatchObject({
      at: '2026-11-23T09:00:00.000Z',
      remediatedAt: '2026-11-23T09:05:00.000Z',
    });
    expect(classifyEvidence(rulebook, b).matches.map((m) => m.runbookId)).not.toContain(
      'probe-failure',
    );
  });

  it('one that recurred after the fix (lastTimestamp and count moved on, or a series observed later) stays', async () => {
    const b = await collect('probe-failure-liveness', {
      remediatedAt: FIXED,
      now: '2026-11-23T09:10:00Z',
      change: (sc) => {
        const [liveness, readiness, killing] = sc.objects.events as Record<string, unknown>[];
        Object.assign(liveness!, { lastTimestamp: '2026-11-23T09:08:00Z', count: 19 });
        // events.k8s.io style: first seen long before, the series last observed after the fix.
        Object.assign(killing!, {
          eventTime: '2026-11-23T08:35:00.000000Z',
          series: { count: 7, lastObservedTime: '2026-11-23T09:07:30.000000Z' },
        });
        expect(readiness!.lastTimestamp).toBe('2026-11-23T08:59:00Z');
      },
    });
    expect(events(b)).toContain('Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(events(b)).toContain('Container catalog failed liveness probe, will be restarted');
    expect(events(b)).not.toContain('Readiness probe failed');
    expect(classifyEvidence(rulebook, b).matches.map((m) => m.runbookId)).toContain(
      'probe-failure',
    );
  });
});

describe('collection + classification name the right runbook for every recorded Kubernetes state', () => {
  const ids = scenarioIds();
  it.each(ids)('%s', async (id) => {
    const sc = loadScenario(id);
    const bundle = await collect(id);
    const labelled = {
      id,
      label: sc.label,
      platform: 'eks' as const,
      source: `paramedic kube collect against test/fixtures/kubernetes/scenarios/${id}.json`,
      sections: bundle.sections,
      note: sc.note ?? '',
    };
    // The local server's random port would make every run rewrite the fixtures; show an EKS-style endpoint instead.
    const stable = JSON.stringify(labelled, null, 1).replace(
      /(https:\/\/)?127\.0\.0\.1:\d+/g,
      (m) =>
        m.startsWith('https')
          ? 'https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com'
          : '0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com:443',
    );
    writeFileSync(join(FIXTURES, 'bundles', `${id}.json`), `${stable}\n`);
    expect(() => parseEvidenceDocument(labelled)).not.toThrow();
    const result = classifyEvidence(rulebook, bundle);
    const top = result.matches[0]?.runbookId ?? null;
    expect({
      id,
      top,
      all: result.matches.map((m) => `${m.runbookId}:${m.confidence.toFixed(2)}`),
    }).toMatchObject({ id, top: sc.label });
  });
});
