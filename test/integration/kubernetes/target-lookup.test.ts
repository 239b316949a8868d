import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesTargetLookup } from '../../../lambdas/adapters/kubernetes/target-lookup.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.target-lookup';
const N1 = 'ip-10-0-1-23.eu-west-1.compute.internal';
let server: FakeApiServer;
let lookup: KubernetesTargetLookup;

const dimensionsOf = (file: string): Record<string, string>[] =>
  JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/alarms', file), 'utf8'),
  ).detail.configuration.metrics.map(
    (m: { metricStat: { metric: { dimensions: Record<string, string> } } }) =>
      m.metricStat.metric.dimensions,
  );

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('oom-killed-pod'), TOKEN);
  const { access } = cluster;
  server = cluster.server;
  lookup = new KubernetesTargetLookup((cluster) => {
    if (cluster !== 'shop-prod') throw new Error(`no access to ${cluster}`);
    return access;
  });
});
afterAll(() => cluster.stop());
beforeEach(() => server.load(loadScenario('oom-killed-pod')));

it("resolves a workload-level pod alarm to the pod, its node and the node's instance (paged list)", async () => {
  server.maxPageSize = 2;
  const r = await lookup.resolve(dimensionsOf('eks-pod-restarts-workload.json'));
  expect(r.targets).toEqual([
    {
      kind: 'pod',
      cluster: 'shop-prod',
      namespace: 'shop',
      pod: 'reports-6f5d4c3b2-k7j6h',
      node: N1,
      instanceId: 'i-0a1b2c3d4e5f60701',
    },
  ]);
  expect(r.unresolved).toEqual([]);
});

it("resolves a node alarm without InstanceId through the node's providerID", async () => {
  const r = await lookup.resolve(dimensionsOf('eks-node-filesystem-no-instance.json'));
  expect(r.targets).toEqual([
    { kind: 'node', cluster: 'shop-prod', node: N1, instanceId: 'i-0a1b2c3d4e5f60701' },
  ]);
  expect(await lookup.instanceOfNode('shop-prod', N1)).toBe('i-0a1b2c3d4e5f60701');
  expect(
    await lookup.instanceOfNode('shop-prod', 'ip-10-9-9-9.eu-west-1.compute.internal'),
  ).toBeUndefined();
});

it('a node alarm naming a node Karpenter is terminating has no target, even with its InstanceId; a cordoned node stays one', async () => {
  const [node] = server.objects('nodes');
  const alarm = [{ ClusterName: 'shop-prod', NodeName: N1, InstanceId: 'i-0a1b2c3d4e5f60701' }];
  node.spec.unschedulable = true;
  node.spec.taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }];
  expect((await lookup.resolve(alarm)).targets).toEqual([
    { kind: 'node', cluster: 'shop-prod', node: N1, instanceId: 'i-0a1b2c3d4e5f60701' },
  ]);
  // As Karpenter v1 leaves a node it terminates: tainted, then deleted, held by its finalizer.
  node.metadata.deletionTimestamp = '2026-11-23T10:58:00Z';
  node.metadata.finalizers = ['karpenter.sh/termination'];
  node.spec.taints = [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }];
  const r = await lookup.resolve(alarm);
  expect(r.targets).toEqual([]);
  expect(r.unresolved.map((u) => u.reason)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^node ${N1.replaceAll('.', '\\.')} of cluster shop-prod is being removed by Karpenter: not a target`,
      ),
    ),
  ]);
  // Without read access to the node the InstanceId dimension still names the target.
  server.denied.add('get nodes');
  expect((await lookup.resolve(alarm)).targets).toEqual([
    { kind: 'node', cluster: 'shop-prod', node: N1, instanceId: 'i-0a1b2c3d4e5f60701' },
  ]);
});

it('a forbidden read or an unknown cluster leaves the target unresolved with the reason, without throwing', async () => {
  server.denied.add('get nodes').add('list pods');
  const node = await lookup.resolve(dimensionsOf('eks-node-filesystem-no-instance.json'));
  expect(node.targets).toEqual([{ kind: 'node', cluster: 'shop-prod', node: N1 }]);
  expect(node.unresolved[0]!.reason).toMatch(/could not be read/);
  const pod = await lookup.resolve(dimensionsOf('eks-pod-restarts-workload.json'));
  expect(pod.targets).toEqual([]);
  const other = await lookup.resolve([{ ClusterName: 'other', NodeName: N1 }]);
  expect(other.unresolved[0]!.reason).toMatch(/could not be read from cluster other/);
});

it("resolves a cluster-level alarm to the cluster's failing nodes (paged node list), and says why when it cannot list them", async () => {
  server.maxPageSize = 1;
  const nodes = server.objects('nodes');
  expect(nodes.length).toBeGreaterThan(1);
  const failing = nodes[nodes.length - 1]!;
  failing.status.conditions = failing.status.conditions.map((c: any) =>
    c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c,
  );
  const r = await lookup.resolve([{ ClusterName: 'shop-prod' }]);
  expect(r.targets).toEqual([
    expect.objectContaining({ kind: 'node', cluster: 'shop-prod', node: failing.metadata.name }),
  ]);
  expect(r.unresolved).toEqual([]);
  // Every page of the list was read (one node a page).
  expect(server.requests.filter((x) => /^\/api\/v1\/nodes\?/.test(x.path))).toHaveLength(
    nodes.length,
  );

  server.denied.add('list nodes');
  const denied = await lookup.resolve([{ ClusterName: 'shop-prod' }]);
  expect(denied.targets).toEqual([]);
  expect(denied.unresolved[0]!.reason).toMatch(
    /^the nodes of cluster shop-prod could not be listed \(Error from server \(Forbidden\): .*nodes.*\): a cluster-level alarm's targets are its failing nodes$/,
  );
});

it("a large cluster's node list may take longer than one request's timeout: it has a budget of its own", async () => {
  // Three pages, each answered after 150 ms, with a 200 ms request timeout: a budget of one request would cut the list.
  const slow = new KubernetesTargetLookup(() => cluster.access, 200);
  server.maxPageSize = Math.ceil(server.objects('nodes').length / 3);
  server.latencyMs = 150;
  const failing = server.objects('nodes')[0]!;
  failing.status.conditions = failing.status.conditions.map((c: any) =>
    c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady' } : c,
  );
  const r = await slow.resolve([{ ClusterName: 'shop-prod' }]);
  expect(r.unresolved).toEqual([]);
  expect(r.targets.map((t) => t.node)).toEqual([failing.metadata.name]);
});

it("a cluster past the node list's bounds keeps the failing nodes read and says where the list stopped", async () => {
  const nodes = server.objects('nodes');
  expect(nodes.length).toBeGreaterThan(1);
  for (const n of nodes)
    n.status.conditions = n.status.conditions.map((c: any) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady' } : c,
    );
  const bounded = new KubernetesTargetLookup(() => cluster.access, 10_000, {
    pageSize: 1,
    maxItems: 1,
  });
  const r = await bounded.resolve([{ ClusterName: 'shop-prod' }]);
  expect(r.targets).toHaveLength(1);
  expect(r.unresolved.map((u) => u.reason)).toEqual([
    expect.stringMatching(
      /^the node list of cluster shop-prod stopped after 1 nodes \(more than 1 items.*\): failing nodes past them are not targets$/,
    ),
  ]);
});

it("reduces each listed node to who removes it, and a cluster-level alarm's targets leave out the failing nodes being removed (not the cordoned one)", async () => {
  server.maxPageSize = 1;
  const [byKarpenter, byAutoscaler, cordoned] = server.objects('nodes');
  for (const n of [byKarpenter, byAutoscaler, cordoned])
    n.status.conditions = n.status.conditions.map((c: any) =>
      c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c,
    );
  // As Karpenter v1 leaves a node it terminates: tainted, then deleted, held by its finalizer.
  byKarpenter.metadata.deletionTimestamp = '2026-11-23T10:58:00Z';
  byKarpenter.metadata.finalizers = ['karpenter.sh/termination'];
  byKarpenter.spec.taints = [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }];
  byAutoscaler.spec.taints = [
    { key: 'ToBeDeletedByClusterAutoscaler', value: '1763895480', effect: 'NoSchedule' },
  ];
  cordoned.spec.unschedulable = true;
  cordoned.spec.taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }];

  const facts = await lookup.read({ clusters: ['shop-prod'], nodes: [], pods: [] });
  // Only the facts are kept: who removes the node, not its taints or metadata.
  expect(facts.clusterNodes?.['shop-prod']?.map(({ conditions: _, ...rest }) => rest)).toEqual([
    {
      cluster: 'shop-prod',
      node: byKarpenter.metadata.name,
      providerID: byKarpenter.spec.providerID,
      removedBy: 'karpenter',
    },
    {
      cluster: 'shop-prod',
      node: byAutoscaler.metadata.name,
      providerID: byAutoscaler.spec.providerID,
      removedBy: 'cluster-autoscaler',
    },
    { cluster: 'shop-prod', node: cordoned.metadata.name, providerID: cordoned.spec.providerID },
  ]);

  const r = await lookup.resolve([{ ClusterName: 'shop-prod' }]);
  expect(r.targets).toEqual([
    expect.objectContaining({ kind: 'node', cluster: 'shop-prod', node: cordoned.metadata.name }),
  ]);
  expect(r.unresolved.map((u) => u.reason)).toEqual([
    expect.stringMatching(
      /^2 failing nodes of cluster shop-prod are being removed, 1 by Karpenter and 1 by the Cluster Autoscaler \(ip-10-0-1-23\.eu-west-1\.compute\.internal, ip-10-0-2-45\.eu-west-1\.compute\.internal\): not targets: /,
    ),
  ]);
});

describe('a workload-level pod alarm in a large or unreadable namespace', () => {
  const alarm = [{ ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'reports' }];
  /** `n` Job pods listed before the reports pod (etcd lists by name: "batch-…" before "reports-…"). */
  function crowd(n: number): void {
    const pods = server.objects('pods');
    const target = pods.find((p) => p.metadata.name.startsWith('reports-'))!;
    pods.splice(pods.indexOf(target), 1);
    for (let i = 0; i < n; i++)
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `batch-${String(i).padStart(5, '0')}`,
          namespace: 'shop',
          ownerReferences: [{ kind: 'Job', name: `batch-${i}`, controller: true }],
        },
        spec: { nodeName: N1, containers: [{ name: 'c' }] },
        status: { phase: 'Running' },
      });
    pods.push(target);
  }

  it('finds the workload among 2,100 other pods', async () => {
    crowd(2100);
    const r = await lookup.resolve(alarm);
    expect(r.targets).toEqual([expect.objectContaining({ pod: 'reports-6f5d4c3b2-k7j6h' })]);
    expect(r.unresolved).toEqual([]);
  });

  it('a pod list cut at its bounds says where it stopped, not "no pod"', async () => {
    crowd(5);
    const bounded = new KubernetesTargetLookup(() => cluster.access, 10_000, undefined, {
      pageSize: 2,
      maxItems: 4,
    });
    const r = await bounded.resolve(alarm);
    expect(r.targets).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      expect.stringMatching(
        /^no pod named or owned by workload reports among the 4 pods of shop-prod\/shop read before the list stopped \(more than 4 items.*\): pods past them were not read$/,
      ),
    ]);
  });

  it('a refused list gives the API\'s answer, not "no pod"', async () => {
    server.denied.add('list pods');
    const r = await lookup.resolve(alarm);
    expect(r.targets).toEqual([]);
    expect(r.unresolved[0]!.reason).toMatch(
      /^the pods of shop-prod\/shop could not be read \(Error from server \(Forbidden\): pods is forbidden: .*\): whether a pod named or owned by workload reports exists is unknown$/,
    );
  });

  it("the namespace's pod list has a budget of its own, longer than one request's timeout", async () => {
    // Four pages, each answered after 150 ms, with a 200 ms request timeout.
    crowd(3);
    server.maxPageSize = 1;
    server.latencyMs = 150;
    const slow = new KubernetesTargetLookup(() => cluster.access, 200);
    const r = await slow.resolve(alarm);
    expect(r.targets).toEqual([expect.objectContaining({ pod: 'reports-6f5d4c3b2-k7j6h' })]);
  });

  it('a pod read by name stays a target when the namespace list a workload alarm needs is refused', async () => {
    server.denied.add('list pods');
    const r = await lookup.resolve([
      { ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'billing' },
      { ClusterName: 'shop-prod', Namespace: 'shop', FullPodName: 'reports-6f5d4c3b2-k7j6h' },
    ]);
    expect(r.targets).toEqual([expect.objectContaining({ pod: 'reports-6f5d4c3b2-k7j6h' })]);
    expect(r.unresolved[0]!.reason).toMatch(/^the pods of shop-prod\/shop could not be read/);
  });

  it("a FullPodName (or a PodName that is a pod's) is read by name: the namespace is not listed", async () => {
    crowd(10);
    const r = await lookup.resolve([
      { ClusterName: 'shop-prod', Namespace: 'shop', FullPodName: 'reports-6f5d4c3b2-k7j6h' },
    ]);
    expect(r.targets).toEqual([expect.objectContaining({ pod: 'reports-6f5d4c3b2-k7j6h' })]);
    expect(server.requests.some((q) => q.path.startsWith('/api/v1/namespaces/shop/pods?'))).toBe(
      false,
    );
  });
});
