import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeAccessError } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { localClusterPorts } from '../../../lambdas/local/local-cluster.js';
import { triageAlarm } from '../../../lambdas/local/triage.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.local-wiring';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const clock = { now: () => new Date() };
let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
});
afterAll(() => cluster.stop());

describe('the local root wires the cluster through --kubeconfig (paramedic triage/run)', () => {
  it('with a kubeconfig: the cluster port resolves a node alarm through providerID and the executors cover kubernetes and aws actions', async () => {
    const ports = localClusterPorts({ file: join(cluster.dir, 'kc') }, clock, true);

    const resolution = await ports.cluster!.resolve([{ ClusterName: 'shop-prod', NodeName: NODE }]);

    expect(resolution.targets).toEqual([
      { kind: 'node', cluster: 'shop-prod', node: NODE, instanceId: 'i-0a1b2c3d4e5f60701' },
    ]);
    expect(Object.keys(ports.executors!).sort()).toEqual(['aws', 'kubernetes']);
    const [dry] = await ports.executors!.kubernetes!.execute(
      {
        index: 0,
        action: 'k8s-cordon-node',
        title: 'cordon',
        actionTarget: 'kubernetes',
        risk: 'safe',
        mutates: true,
        invocations: [{ target: 'i-0a1b2c3d4e5f60701', parameters: { node: NODE } }],
      },
      [{ id: 'i-0a1b2c3d4e5f60701', platform: 'eks', cluster: 'shop-prod', node: NODE }],
      { executionId: 'e' },
    );
    expect(dry!.detail).toMatch(/dry run/);
    expect(cluster.server.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('without a kubeconfig nothing is wired (EKS records then say the cluster was not read); a missing context fails before anything runs', () => {
    expect(localClusterPorts(undefined, clock, false)).toEqual({});
    expect(() =>
      localClusterPorts({ file: join(cluster.dir, 'kc'), context: 'nope' }, clock, false),
    ).toThrow(KubeAccessError);
  });
});

/** paramedic triage --alarm --kubeconfig with a collector that answers every target at once. */
const triageWithKubeconfig = (alarm: string) =>
  triageAlarm(isAbsolute(alarm) ? alarm : join(REPO_ROOT, 'test/fixtures/alarms', alarm), {
    dataDir: mkdtempSync(join(tmpdir(), 'paramedic-cluster-alarm-')),
    rulebook: loadRulebook(),
    mode: 'dry-run',
    kubeconfig: { file: join(cluster.dir, 'kc') },
    // The ECS fixture's alarm is named shop-…: admitted, as a deployment that watches it would.
    alarmNamePrefixes: ['paramedic-', 'shop-'],
    // The collector's output is not what this is about: every target answers at once.
    runner: {
      run: async (request) =>
        request.targets.map((target) => ({
          target,
          status: 'Failed' as const,
          exitCode: 1,
          stdout: '',
          stderr: 'not run in this test',
        })),
    },
    print: () => undefined,
  });

describe('paramedic triage --alarm --kubeconfig on a cluster-level alarm (ClusterName only)', () => {
  it("an ECS cluster's alarm (AWS/ECS names its clusters by ClusterName alone too) is not read as the kubeconfig's cluster", async () => {
    const before = cluster.server.requests.length;
    const r = await triageWithKubeconfig('ecs-cluster-cpu-reservation.json');
    const triggered = r.entries.find((e) => e.type === 'triggered')!;
    if (triggered.type !== 'triggered') throw new Error('no triggered entry');
    expect(triggered.data.targets.filter((t) => t.platform === 'eks')).toEqual([]);
    // Recorded as Intake records it in a deployment: the ECS cluster, and why it is no target.
    expect(triggered.data.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason: expect.stringMatching(/^AWS\/ECS names ECS cluster shop-prod, not an EKS cluster/),
      },
    ]);
    const listed = cluster.server.requests
      .slice(before)
      .filter((q) => q.path.startsWith('/api/v1/nodes'));
    expect(listed).toEqual([]);
  });

  it("targets the kubeconfig's cluster's failing nodes: the alarm's cluster is the kubeconfig's, as eksClusters is deployed", async () => {
    const r = await triageWithKubeconfig('eks-cluster-failed-nodes.json');
    const triggered = r.entries.find((e) => e.type === 'triggered')!;
    if (triggered.type !== 'triggered') throw new Error('no triggered entry');
    expect(triggered.data.targets).toEqual([
      expect.objectContaining({ platform: 'eks', cluster: 'shop-prod', node: NODE }),
    ]);
    expect(triggered.data.unresolved).toBeUndefined();
    expect(cluster.server.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it("an AWS/EKS alarm of the cluster alone (the control plane's metric) names no node: no failing node is taken for it", async () => {
    const event = JSON.parse(
      readFileSync(join(REPO_ROOT, 'test/fixtures/alarms/eks-cluster-failed-nodes.json'), 'utf8'),
    );
    event.detail.configuration.metrics[0].metricStat.metric.namespace = 'AWS/EKS';
    const file = join(cluster.dir, 'aws-eks-cluster-alarm.json');
    writeFileSync(file, JSON.stringify(event));

    const r = await triageWithKubeconfig(file);

    const triggered = r.entries.find((e) => e.type === 'triggered')!;
    if (triggered.type !== 'triggered') throw new Error('no triggered entry');
    expect(triggered.data.targets).toEqual([]);
    expect(triggered.data.unresolved?.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^AWS\/EKS is the control plane of cluster shop-prod /),
    ]);
  });

  it('leaves out the failing nodes Karpenter is removing, says so on the triggered entry, and has no targets when they are all it found', async () => {
    const others = cluster.server.objects('nodes').filter((n) => n.metadata.name !== NODE);
    expect(others).toHaveLength(2);
    // Consolidated by Karpenter v1: tainted, then deleted, and NotReady once its instance shuts down.
    for (const n of others) {
      n.metadata.deletionTimestamp = '2026-11-23T10:58:00Z';
      n.spec.taints = [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }];
      n.status.conditions = n.status.conditions.map((c: any) =>
        c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c,
      );
    }
    try {
      const r = await triageWithKubeconfig('eks-cluster-failed-nodes.json');
      const triggered = r.entries.find((e) => e.type === 'triggered')!;
      if (triggered.type !== 'triggered') throw new Error('no triggered entry');
      expect(triggered.data.targets).toEqual([
        expect.objectContaining({ platform: 'eks', cluster: 'shop-prod', node: NODE }),
      ]);
      expect(triggered.data.unresolved?.map((u) => u.reason)).toEqual([
        expect.stringMatching(
          /^2 failing nodes of cluster shop-prod are being removed by Karpenter \(ip-10-0-2-45\.eu-west-1\.compute\.internal, ip-10-0-3-67\.eu-west-1\.compute\.internal\): not targets: /,
        ),
      ]);

      // The node that failed on its own is being removed too: nothing is left to collect from or act on.
      const failing = cluster.server.objects('nodes').find((n) => n.metadata.name === NODE)!;
      failing.spec.taints = [
        { key: 'karpenter.sh/disruption', value: 'disrupting', effect: 'NoSchedule' },
      ];
      const none = await triageWithKubeconfig('eks-cluster-failed-nodes.json');
      const noTargets = none.entries.find((e) => e.type === 'triggered')!;
      if (noTargets.type !== 'triggered') throw new Error('no triggered entry');
      expect(noTargets.data.targets).toEqual([]);
      expect(noTargets.data.unresolved?.map((u) => u.reason)).toEqual([
        expect.stringMatching(
          /^all 3 failing nodes of cluster shop-prod are being removed by Karpenter \(.*\): no targets: nothing is left to collect from or act on, and the alarm should clear once they are gone; /,
        ),
      ]);
    } finally {
      cluster.server.load(loadScenario('node-disk-pressure-node'));
    }
  });
});
