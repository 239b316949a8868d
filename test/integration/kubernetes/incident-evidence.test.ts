import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesClusterPort } from '../../../lambdas/adapters/kubernetes/cluster-port.js';
import { KubernetesIncidentEvidence } from '../../../lambdas/adapters/kubernetes/incident-evidence.js';
import type { KubeAccessFor } from '../../../lambdas/adapters/kubernetes/eks-access-for.js';
import {
  KubeconfigAccess,
  type KubeAccess,
} from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import {
  parseEvidenceDocument,
  type EvidenceBundle,
} from '../../../lambdas/core/evidence/bundle.js';
import type { EvidencePart } from '../../../lambdas/core/evidence/incident-bundle.js';
import { clusterViews, withClusterView } from '../../../lambdas/core/workflow/cluster-evidence.js';
import { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { FIXTURES, loadScenario, writeKubeconfig } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.incident-evidence';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const clock = { now: () => new Date('2026-11-23T09:00:05Z') };
let dir: string;
let certs: LocalCluster['certs'];
let server: FakeApiServer;
let rulebook: CompiledRulebook;
let access: KubeAccess;

const nodeEvidence = (): EvidenceBundle =>
  JSON.parse(readFileSync(join(FIXTURES, 'node-evidence', 'node-disk-pressure-node.json'), 'utf8'));
const collector = (accessFor: KubeAccessFor = () => access) =>
  new KubernetesIncidentEvidence(accessFor, { clock, requestTimeoutMs: 5000 });
/** The Collect step's join, as the workflow runs it: the node's part and the cluster port's view. */
const collectIncident = async (
  node: EvidencePart,
  instanceId = 'i-0a1b2c3d4e5f60701',
  accessFor: KubeAccessFor = () => access,
) => {
  const target = {
    id: instanceId,
    platform: 'eks' as const,
    cluster: 'shop-prod',
    node: NODE,
    instanceId,
  };
  const views = await clusterViews(
    new KubernetesClusterPort({ accessFor, clock, requestTimeoutMs: 5000 }),
    [target],
  );
  return withClusterView(target, node, views.get(instanceId)!, clock.now());
};

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
  ({ server, access, certs, dir } = cluster);
  rulebook = loadRulebook();
});
afterAll(() => cluster.stop());
beforeEach(() => server.load(loadScenario('node-disk-pressure-node')));

describe('one incident bundle from the node (SSM) and the cluster (API)', () => {
  it('joins node sections with k8s.* sections, records both sources, and classifies the node', async () => {
    const bundle = await collectIncident({
      kind: 'ssm-command',
      bundle: nodeEvidence(),
      reference: 'cmd-0f1e2d3c',
    });
    expect(Object.keys(bundle.sections)).toEqual(
      expect.arrayContaining([
        'host.os',
        'disk.df',
        'kubelet.journal',
        'k8s.cluster',
        'k8s.node',
        'k8s.pods',
        'k8s.events',
      ]),
    );
    expect(bundle.target).toMatchObject({
      platform: 'eks',
      cluster: 'shop-prod',
      node: NODE,
      instanceId: 'i-0a1b2c3d4e5f60701',
    });
    expect(bundle.sources.map((s) => [s.kind, s.status, s.reference])).toEqual([
      ['ssm-command', 'partial', 'cmd-0f1e2d3c'],
      ['kubernetes-api', 'collected', 'eks:shop-prod'],
    ]);
    expect(bundle.sources[0]!.errors).toEqual([
      { section: 'io.block', error: 'iostat not installed' },
    ]);
    expect(bundle.sections['k8s.node']!.output).toMatch(/DiskPressure\s+True/);
    expect(() => parseEvidenceDocument(bundle)).not.toThrow();
    expect(classifyEvidence(rulebook, bundle).matches[0]?.runbookId).toBe('node-disk-pressure');
  });

  it('reads a pod-level target: the pod, its namespace and its node', async () => {
    server.load(loadScenario('probe-failure-liveness'));
    const sc = loadScenario('probe-failure-liveness');
    const [part] = await collector().collect([
      { cluster: 'shop-prod', namespace: sc.target.namespace!, pod: sc.target.pod! },
    ]);
    expect(part!.bundle!.target).toMatchObject({
      namespace: sc.target.namespace,
      pod: sc.target.pod,
      node: expect.stringMatching(/compute\.internal$/),
    });
    expect(Object.keys(part!.bundle!.sections)).toEqual([
      'k8s.cluster',
      'k8s.node',
      'k8s.pods',
      'k8s.events',
      'k8s.pod-logs',
      'k8s.networkpolicies',
      'k8s.services',
    ]);
    expect(classifyEvidence(rulebook, part!.bundle!).matches[0]?.runbookId).toBe('probe-failure');
  });

  it('reads every page of a list the server pages (limit/continue)', async () => {
    server.maxPageSize = 1;
    const [part] = await collector().collect([{ cluster: 'shop-prod', node: NODE }]);
    const pods = part!.bundle!.sections['k8s.pods']!.output;
    const expected = server
      .objects('pods')
      .filter((p) => p.spec?.nodeName === NODE)
      .map((p) => p.metadata.name as string);
    expect(expected.length).toBeGreaterThan(1);
    for (const name of expected) expect(pods).toContain(name);
    expect(
      server.requests.filter(
        (r) => r.path.startsWith('/api/v1/pods?') && r.path.includes('continue='),
      ).length,
    ).toBe(expected.length - 1);
  });

  it("reads the cluster-wide part once for a batch of targets, and each target's own part in order", async () => {
    const pods = [
      ...server.objects('pods').map((p) => ({
        namespace: p.metadata.namespace as string,
        pod: p.metadata.name as string,
      })),
      // Pods already replaced when the batch is read: answered 404, recorded in their own bundle.
      { namespace: 'shop', pod: 'reports-6f5d4c3b2-gone1' },
      { namespace: 'shop', pod: 'reports-6f5d4c3b2-gone2' },
    ].map((p) => ({ cluster: 'shop-prod', ...p }));
    const nodes = server
      .objects('nodes')
      .map((n) => ({ cluster: 'shop-prod', node: n.metadata.name as string }));
    const targets = [...pods, ...nodes];
    expect(targets.length).toBeGreaterThan(8); // more than one wave of concurrent reads

    const parts = await collector().collect(targets);

    const asked = (path: RegExp) => server.requests.filter((r) => path.test(r.path)).length;
    expect(asked(/^\/api\/v1\/nodes(\?|$)/)).toBe(1);
    expect(asked(/^\/readyz/)).toBe(1);
    expect(asked(/^\/version/)).toBe(1);
    // What is namespace-wide is read once per namespace, however many of its pods are targets.
    expect(asked(/^\/api\/v1\/namespaces(\?|$)/)).toBe(1);
    expect(asked(/^\/api\/v1\/namespaces\/shop\/services(\?|$)/)).toBe(1);
    expect(asked(/^\/apis\/networking\.k8s\.io\/v1\/namespaces\/shop\/networkpolicies(\?|$)/)).toBe(
      1,
    );
    // Each pod is read for itself: one GET per pod target.
    expect(asked(/^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/?]+$/)).toBe(pods.length);
    expect(parts.map((p) => p.bundle?.target)).toEqual(
      targets.map((t) => expect.objectContaining(t)),
    );
    const clusterSections = new Set(parts.map((p) => p.bundle!.sections['k8s.cluster']!.output));
    expect(clusterSections.size).toBe(1);
  });

  it("a target that cannot be rendered fails in its own bundle; the batch's other targets are read", async () => {
    const sc = loadScenario('probe-failure-liveness');
    const good = sc.objects.pods!.find((p) => p.metadata.namespace === 'shop')!;
    // An owner reference without a name: the API server never sends one, but a bug on one object must not cost the others.
    const bad = structuredClone(good);
    bad.metadata.name = 'reports-6f5d4c3b2-broken';
    bad.metadata.ownerReferences = [{ kind: 'ReplicaSet', apiVersion: 'apps/v1', uid: 'u-1' }];
    sc.objects.pods!.push(bad);
    server.load(sc);

    const parts = await collector().collect([
      { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-broken' },
      { cluster: 'shop-prod', namespace: 'shop', pod: good.metadata.name as string },
    ]);

    expect(parts.map((p) => p.error)).toEqual([undefined, undefined]);
    expect(parts[0]!.bundle!.sections['k8s.cluster']!.error).toMatch(
      /^collection failed: .*other targets were read/,
    );
    expect(Object.keys(parts[1]!.bundle!.sections)).toContain('k8s.pod-logs');
    expect(parts[1]!.bundle!.sections['k8s.cluster']!.error).toBeUndefined();
  });

  it("a target read after the access re-signed its token uses the new one, not the batch's first", async () => {
    writeKubeconfig(join(dir, 'kc-new'), server.url, certs.ca, `${TOKEN}-new`);
    const renewed = new KubeconfigAccess(join(dir, 'kc-new'));
    // The token is re-signed once the first targets are under way; the old one stops working.
    const rotated = () => server.requests.length >= 12;
    server.acceptsToken = (t) => t === (rotated() ? `${TOKEN}-new` : TOKEN);
    const rotating: KubeAccess = { clients: () => (rotated() ? renewed : access).clients() };
    const nodes = server.objects('nodes').map((n) => n.metadata.name as string);
    const targets = Array.from({ length: 12 }, (_, i) => ({
      cluster: 'shop-prod',
      node: nodes[i % nodes.length]!,
    }));

    const parts = await collector(() => rotating)
      .collect(targets)
      .finally(() => {
        server.acceptsToken = (t) => t === TOKEN;
      });

    const last = parts.at(-1)!.bundle!.sections['k8s.node']!;
    expect(last.output).toMatch(/^Name:/);
    expect(last.output).not.toMatch(/Unauthorized|401/);
  });

  it('a list the API server sheds with 429 is read again after its Retry-After; shed past the retries, it says so', async () => {
    server.throttled.set('/api/v1/namespaces/shop/services', 2);
    const [part] = await collector().collect([
      { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
    ]);
    const services = server.requests.filter((r) =>
      r.path.startsWith('/api/v1/namespaces/shop/services'),
    );
    expect(services).toHaveLength(3);
    expect(part!.bundle!.sections['k8s.services']?.error).toBeUndefined();

    server.throttled.set('/api/v1/namespaces/shop/endpoints', 10);
    server.requests.length = 0;
    const [shed] = await collector().collect([
      { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
    ]);
    // The first answer and three retries, then the 429 is recorded.
    expect(
      server.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/shop/endpoints')),
    ).toHaveLength(4);
    expect(shed!.bundle!.sections['k8s.services']?.error).toMatch(/Too many requests/);
  }, 20_000);

  it('a 429 on a later page of a list reads that page again, not the whole list', async () => {
    const pod = { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' };
    const nodeLists = () => server.requests.filter((r) => /^\/api\/v1\/nodes\?/.test(r.path));
    server.maxPageSize = 1;
    const [calm] = await collector().collect([pod]);
    const pages = nodeLists().length;
    expect(pages).toBeGreaterThan(1);

    server.load(loadScenario('node-disk-pressure-node'));
    server.maxPageSize = 1;
    server.throttledLaterPages.set('/api/v1/nodes', 1);
    const [shed] = await collector().collect([pod]);
    // Every page once, and the shed page once more (the list from its start would be `pages` more).
    expect(nodeLists()).toHaveLength(pages + 1);
    expect(shed!.bundle!.sections['k8s.cluster']!.output).toBe(
      calm!.bundle!.sections['k8s.cluster']!.output,
    );
  }, 20_000);

  it('a list has a time of its own, all its pages together: without a deadline (a local run) slow pages cannot hold the read for minutes', async () => {
    // Each page of the node list answers in 200 ms, within the request timeout; the list's 300 ms is spent before its second page ends.
    server.maxPageSize = 1;
    server.latencyMs = 200;
    expect(server.objects('nodes').length).toBeGreaterThanOrEqual(3);
    const [part] = await new KubernetesIncidentEvidence(() => access, {
      clock,
      requestTimeoutMs: 5000,
      listTimeoutMs: 300,
    }).collect([{ cluster: 'shop-prod', node: NODE }]);
    // Paramedic's own limit ran out, and the error says so: not kubectl's words for an unreachable
    // server, which the API server that answered every other read is not.
    expect(part!.bundle!.sections['k8s.cluster']!.error).toMatch(
      /Paramedic: list nodes \(every page\) timed out after 300 ms/,
    );
    expect(part!.bundle!.sections['k8s.cluster']!.output).not.toMatch(/Unable to connect/);
  }, 20_000);

  it('a CoreDNS log read the batch shares is read again after a 429, not answered its first refusal again', async () => {
    const coreDnsLog = '/api/v1/namespaces/kube-system/pods/coredns-787cb67946-9tlmz/log';
    server.throttled.set(coreDnsLog, 1);
    const [part] = await collector().collect([
      { cluster: 'shop-prod', namespace: 'shop', pod: 'batch-etl-6f5e4d3c2-u7i8o' },
    ]);
    expect(server.requests.filter((r) => r.path.startsWith(coreDnsLog))).toHaveLength(2);
    const logs = part!.bundle!.sections['k8s.pod-logs']!;
    expect(logs.output).toContain('kubectl logs -n kube-system coredns-787cb67946-9tlmz');
    expect(logs.output).not.toMatch(/Too many requests/);
  }, 20_000);

  it("past the invocation's deadline no target starts and no 429 is waited out; each bundle says why", async () => {
    const pod = { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' };
    const withDeadline = (inMs: number) => {
      const at = Date.now() + inMs;
      return new KubernetesIncidentEvidence(() => access, {
        clock: { now: () => new Date() },
        deadline: () => at,
      });
    };

    const late = await withDeadline(-1).collect([pod, { cluster: 'shop-prod', node: NODE }]);
    for (const part of late)
      expect(part.bundle!.sections['k8s.cluster']!.error).toMatch(/^not read: the time budget/);
    expect(server.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/shop'))).toEqual([]);

    // 500 ms left: a 429 asking for 1 s is recorded, not slept on.
    server.throttled.set('/api/v1/namespaces/shop/services', 1);
    const started = Date.now();
    const [shed] = await withDeadline(500).collect([pod]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(
      server.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/shop/services')),
    ).toHaveLength(1);
    expect(shed!.bundle!.sections['k8s.services']?.error).toMatch(/Too many requests/);
  });

  it('reads each cluster of a batch through its own access', async () => {
    const asked: string[] = [];
    const parts = await new KubernetesIncidentEvidence(
      (name) => {
        asked.push(name);
        return access;
      },
      { clock },
    ).collect([
      { cluster: 'shop-prod', node: NODE },
      { cluster: 'shop-staging', node: NODE },
      { cluster: 'shop-prod', node: NODE },
    ]);

    expect(asked.sort()).toEqual(['shop-prod', 'shop-staging']);
    expect(parts.map((p) => p.reference)).toEqual([
      'eks:shop-prod',
      'eks:shop-staging',
      'eks:shop-prod',
    ]);
    expect(server.requests.filter((r) => /^\/api\/v1\/nodes(\?|$)/.test(r.path))).toHaveLength(2);
  });

  it('says when a list was cut at its bound instead of pretending it is complete', async () => {
    const [part] = await new KubernetesIncidentEvidence(() => access, {
      clock,
      listBounds: { pageSize: 1, maxItems: 1 },
    }).collect([{ cluster: 'shop-prod', node: NODE }]);
    const cluster = part!.bundle!.sections['k8s.cluster']!;
    expect(cluster.truncated).toBe(true);
    expect(cluster.output).toMatch(
      /lists cut at their bound .*list nodes: more than 1 items \(2 not read\)/,
    );
  });
});

describe('a forbidden or unreachable API server is recorded, never a crash or an empty record', () => {
  it("keeps the node evidence and puts RBAC's 403 wording in every section it denied", async () => {
    server.denied.add('get nodes').add('list pods').add('list events');
    const bundle = await collectIncident({ kind: 'ssm-command', bundle: nodeEvidence() });
    expect(bundle.sections['kubelet.journal']!.output).toContain('Eviction manager');
    const node = bundle.sections['k8s.node']!;
    expect(node.output).toBe(
      `Error from server (Forbidden): nodes "${NODE}" is forbidden: User "${server.user}" cannot get resource "nodes" in API group "" at the cluster scope`,
    );
    expect(node.error).toMatch(/Forbidden/);
    expect(bundle.sections['k8s.pods']!.error).toMatch(
      /pods is forbidden: User ".*" cannot list resource "pods" in API group "" at the cluster scope/,
    );
    const api = bundle.sources.find((s) => s.kind === 'kubernetes-api')!;
    expect(api.status).toBe('partial');
    expect(api.errors.map((e) => e.section)).toEqual(
      expect.arrayContaining(['k8s.node', 'k8s.pods', 'k8s.events']),
    );
  });

  it('records a refused connection in each k8s section beside the node evidence', async () => {
    const closed = new FakeApiServer(certs, TOKEN, loadScenario('node-disk-pressure-node'));
    await closed.start();
    const url = closed.url;
    await closed.stop();
    writeKubeconfig(join(dir, 'refused'), url, certs.ca, TOKEN);
    const refused = new KubeconfigAccess(join(dir, 'refused'));
    const bundle = await collectIncident(
      { kind: 'ssm-command', bundle: nodeEvidence() },
      undefined,
      () => refused,
    );
    expect(bundle.sections['disk.df']!.output).toContain('96% /');
    for (const s of ['k8s.cluster', 'k8s.node'])
      expect(bundle.sections[s]!.error).toMatch(/refused/);
    expect(bundle.sections['k8s.node']!.output).toMatch(
      /^The connection to the server 127\.0\.0\.1:\d+ was refused/,
    );
  });

  it('turns cluster access that cannot be built (DescribeCluster denied) into an explicit k8s.cluster error', async () => {
    const denied: KubeAccess = {
      clients: async () => {
        throw new Error(
          'User: arn:aws:sts::123456789012:assumed-role/paramedic-collect/x is not authorized to perform: eks:DescribeCluster',
        );
      },
    };
    const bundle = await collectIncident(
      { kind: 'ssm-command', bundle: nodeEvidence() },
      'i-0a1b2c3d4e5f60701',
      () => denied,
    );
    expect(bundle.sections['k8s.cluster']!.error).toMatch(
      /not authorized to perform: eks:DescribeCluster/,
    );
    expect(bundle.sections['k8s.cluster']!.output).toMatch(
      /^Unable to reach the Kubernetes API of cluster shop-prod/,
    );
    expect(bundle.sections['kubelet.journal']).toBeDefined();
  });

  it('keeps the cluster view and records the SSM failure when the node could not be reached', async () => {
    const bundle = await collectIncident({
      kind: 'ssm-command',
      error: 'SSM command Undeliverable: the instance is not connected to Systems Manager',
      reference: 'cmd-1',
    });
    expect(bundle.sections['collector.ssm']).toMatchObject({
      error: 'SSM command Undeliverable: the instance is not connected to Systems Manager',
    });
    expect(bundle.sections['k8s.node']!.error).toBeUndefined();
    expect(bundle.sources[0]).toMatchObject({ kind: 'ssm-command', status: 'failed' });
    expect(classifyEvidence(rulebook, bundle).matches[0]?.runbookId).toBe('node-disk-pressure');
  });
});
