import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesActionExecutors } from '../../../lambdas/adapters/kubernetes/index.js';
import type { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { KubernetesStateReader } from '../../../lambdas/adapters/kubernetes/state-reader.js';
import type { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.state-reader';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const since = new Date('2026-11-23T09:05:00Z');
let server: FakeApiServer;
let access: KubeconfigAccess;
let reader: KubernetesStateReader;

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
  ({ server, access } = cluster);
  reader = new KubernetesStateReader(() => access);
});
afterAll(() => cluster.stop());

describe('Verify re-reads the node condition that proved node-disk-pressure', () => {
  it('fails while DiskPressure is True, passes once the kubelet reports it False', async () => {
    server.load(loadScenario('node-disk-pressure-node'));
    const before = await reader.verify({ cluster: 'shop-prod', node: NODE }, since, {
      nodeConditionsTrue: ['DiskPressure'],
    });
    expect(before.map((c) => c.status)).toEqual(['passed', 'failed']);
    const disk = server
      .objects('nodes')
      .find((n) => n.metadata.name === NODE)!
      .status.conditions.find((c: { type: string }) => c.type === 'DiskPressure');
    Object.assign(disk, { status: 'False', reason: 'KubeletHasNoDiskPressure' });
    const after = await reader.verify({ cluster: 'shop-prod', node: NODE }, since, {
      nodeConditionsTrue: ['DiskPressure'],
    });
    expect(after).toEqual([
      {
        description: `node ${NODE} is Ready`,
        status: 'passed',
        observed: expect.stringMatching(/^Ready=True/),
      },
      {
        description: `node ${NODE} DiskPressure is not True`,
        status: 'passed',
        observed: 'DiskPressure=False (KubeletHasNoDiskPressure)',
      },
    ]);
    expect(server.requests.some((r) => r.path === `/api/v1/nodes/${NODE}`)).toBe(true);
  });

  it("a forbidden read is unknown with the API's answer", async () => {
    server.load(loadScenario('node-disk-pressure-node'));
    server.denied.add('get nodes');
    const checks = await reader.verify({ cluster: 'shop-prod', node: NODE }, since, {
      nodeConditionsTrue: ['DiskPressure'],
    });
    expect(checks.map((c) => c.status)).toEqual(['unknown', 'unknown']);
    expect(checks[0]!.observed).toMatch(
      /^Error from server \(Forbidden\): nodes ".*" is forbidden/,
    );
  });
});

describe('Verify follows a deleted pod to its replacement', () => {
  it("follows a deleted DaemonSet pod (`<daemonset>-<5>`) to the DaemonSet's new pod, not to nothing", async () => {
    server.load(loadScenario('oom-killed-pod'));
    const daemonPod = (name: string, phase: string) => ({
      metadata: {
        name,
        namespace: 'kube-system',
        ownerReferences: [{ kind: 'DaemonSet', name: 'aws-node', controller: true }],
      },
      spec: { nodeName: NODE, containers: [{ name: 'aws-node' }] },
      status: {
        phase,
        containerStatuses: [
          { name: 'aws-node', ready: phase === 'Running', restartCount: 0, state: { running: {} } },
        ],
      },
    });
    // The scenario's own aws-node pod on this node is the one deleted here.
    const pods = server.objects('pods');
    pods.splice(
      pods.findIndex((p) => p.metadata.name.startsWith('aws-node-') && p.spec?.nodeName === NODE),
      1,
    );
    pods.push(daemonPod('aws-node-x7k2p', 'Running'));
    const ctx = { dryRun: false, kube: access, clock: { now: () => since } };
    expect(
      (
        await kubernetesActionExecutors['k8s-delete-pod']!.execute(
          { namespace: 'kube-system', pod: 'aws-node-x7k2p' },
          ctx,
        )
      ).status,
    ).toBe('changed');
    server.objects('pods').push(daemonPod('aws-node-b5m9q', 'Running'));
    // Without the node, every pod of the DaemonSet is its pods (the scenario's others among them);
    // with it, the replacement is the one pod on that node.
    const anyNode = await reader.verify(
      { cluster: 'shop-prod', namespace: 'kube-system', pod: 'aws-node-x7k2p' },
      since,
    );
    expect(anyNode.map((c) => c.status)).toEqual(['passed', 'passed']);
    expect(anyNode[0]!.observed).toContain('aws-node-b5m9q: Running, ready 1/1');
    expect(anyNode[0]!.observed).not.toContain('aws-node-x7k2p');
    const onNode = await reader.verify(
      { cluster: 'shop-prod', node: NODE, namespace: 'kube-system', pod: 'aws-node-x7k2p' },
      since,
    );
    expect(onNode.map((c) => [c.status, c.observed])).toEqual([
      ['passed', 'aws-node-b5m9q: Running, ready 1/1'],
      ['passed', 'restart counts 0'],
    ]);
  });

  /** Deletes the reports pod and adds its replacement after `others` pods of other workloads. */
  async function replaceAmong(others: number): Promise<void> {
    server.load(loadScenario('oom-killed-pod'));
    const ctx = { dryRun: false, kube: access, clock: { now: () => since } };
    await kubernetesActionExecutors['k8s-delete-pod']!.execute(
      { namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
      ctx,
    );
    for (let i = 0; i < others; i++)
      server.objects('pods').push({
        metadata: {
          name: `batch-${String(i).padStart(5, '0')}`,
          namespace: 'shop',
          ownerReferences: [{ kind: 'Job', name: `batch-${i}`, controller: true }],
        },
        spec: { nodeName: NODE, containers: [{ name: 'c' }] },
        status: { phase: 'Running' },
      });
    server.objects('pods').push({
      metadata: {
        name: 'reports-6f5d4c3b2-q9w8e',
        namespace: 'shop',
        ownerReferences: [{ kind: 'ReplicaSet', name: 'reports-6f5d4c3b2', controller: true }],
      },
      spec: { nodeName: NODE, containers: [{ name: 'reports' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'reports', ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    });
  }
  const target = { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' };

  it('checks the pods of the same workload after k8s-delete-pod', async () => {
    // The ReplicaSet's replacement, Running and Ready with no restarts.
    await replaceAmong(0);
    expect(server.objects('pods').some((p) => p.metadata.name === 'reports-6f5d4c3b2-k7j6h')).toBe(
      false,
    );
    const checks = await reader.verify(target, since);
    expect(checks.map((c) => [c.status, c.observed])).toEqual([
      ['passed', 'reports-6f5d4c3b2-q9w8e: Running, ready 1/1'],
      ['passed', 'restart counts 0'],
    ]);
  });

  it('a replacement past the bounds of the pod list is unknown (the state could not be read), not "no pod of it exists now"', async () => {
    await replaceAmong(4);
    const bounded = new KubernetesStateReader(() => access, 10_000, { pageSize: 2, maxPages: 2 });
    const checks = await bounded.verify(target, since);
    expect(checks.map((c) => c.status)).toEqual(['unknown', 'unknown']);
    expect(checks[0]!.observed).toMatch(
      /^pod shop\/reports-6f5d4c3b2-k7j6h is gone and the pods of namespace shop could not all be read \(more than 2 pages of 2\): its replacement may be among those not read/,
    );
  });

  it('finds the replacement among 2,100 other pods, on a list with a budget of its own', async () => {
    await replaceAmong(2100);
    expect((await reader.verify(target, since)).map((c) => c.status)).toEqual(['passed', 'passed']);
    // Three pages answered after 150 ms each, under a 200 ms request timeout.
    await replaceAmong(1);
    server.maxPageSize = 1;
    server.latencyMs = 150;
    const slow = new KubernetesStateReader(() => access, 200);
    expect((await slow.verify(target, since)).map((c) => c.status)).toEqual(['passed', 'passed']);
  });
});
