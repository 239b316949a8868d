/**
 * EKS end to end through the synthesized workflow: Container Insights alarms (node-not-ready,
 * node-disk-pressure, a pod-level probe failure) run the real steps on dynalite + s3rver, with the
 * cluster port and the Kubernetes executors against the local HTTPS API server. Only the nodes'
 * SSM side is simulated: the collector prints a recorded eks-node bundle, and a host action
 * (prune images, restart the runtime) makes the simulated kubelet report the node healthy again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesClusterPort } from '../../../lambdas/adapters/kubernetes/cluster-port.js';
import type { ActionExecutor } from '../../../lambdas/core/workflow/ports.js';
import type { FakeApiServer } from '../kubernetes/fake-api-server.js';
import { startLocalCluster, type LocalCluster } from '../kubernetes/local-cluster.js';
import { loadScenario } from '../kubernetes/scenario-loader.js';
import { alarm, alarmWith, bundleOf, CLUSTER, eksScenario as eksWorld } from './eks-world.js';
import { startInfra, type LocalInfra } from './harness.js';

const TOKEN = 'k8s-aws-v1.eks-workflow';

/** Sets a node condition (and drops the taint the node lifecycle controller keeps for it). */
function setCondition(
  server: FakeApiServer,
  node: string,
  type: string,
  status: string,
  reason: string,
  taint: string,
): void {
  const n = server.objects('nodes').find((o) => o.metadata.name === node)!;
  n.status.conditions = n.status.conditions.map((c: any) =>
    c.type === type ? { ...c, status, reason } : c,
  );
  n.spec.taints = (n.spec.taints ?? []).filter((t: any) => t.key !== taint);
}

/** A pod of workload `app` (ReplicaSet-owned) on `node`, Running and Ready. */
function appPod(name: string, app: string, node: string): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: name.replace(/-[a-z0-9]{5}$/, ''),
          uid: `u-${name}`,
          controller: true,
        },
      ],
    },
    spec: { nodeName: node, containers: [{ name: app, image: `${app}:1` }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: app,
          ready: true,
          restartCount: 0,
          image: `${app}:1`,
          imageID: '',
          containerID: 'containerd://1',
          started: true,
          state: { running: { startedAt: '2026-11-23T08:00:00Z' } },
        },
      ],
    },
  };
}

let infra: LocalInfra;
let cluster: LocalCluster;
beforeAll(async () => {
  infra = await startInfra();
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
});
afterAll(async () => {
  await cluster?.stop();
  await infra?.stop();
});
beforeEach(() => cluster.server.load(loadScenario('node-disk-pressure-node')));

/** One EKS scenario's world (eks-world.ts) over this file's infrastructure and local cluster. */
const eksScenario = (options: Omit<Parameters<typeof eksWorld>[0], 'infra' | 'cluster'> = {}) =>
  eksWorld({ infra, cluster, ...options });

const evictions = (server: FakeApiServer) =>
  server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/eviction'));

describe('EKS alarms through the synthesized workflow (real steps, local API server, dynalite, s3rver)', () => {
  it('node-disk-pressure: node alarm without InstanceId resolves through providerID; SSM + k8s.* in one bundle; cordon, drain within the PDB, prune; Verify reads DiskPressure False', async () => {
    const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
    const server = cluster.server;
    server
      .objects('pods')
      .push(appPod('web-6d5c4b3a2-aaaaa', 'web', NODE), appPod('web-6d5c4b3a2-bbbbb', 'web', NODE));
    const pdb = {
      metadata: { name: 'web-pdb', namespace: 'shop' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
      status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
    };
    server.objects('poddisruptionbudgets').push(pdb);
    // The drain backs off on the budget's 429; meanwhile the evicted pod's replacement becomes Ready elsewhere and the budget allows one more.
    const { s, fleet, approvals } = await eksScenario({
      sleep: async () => {
        pdb.status.disruptionsAllowed = 1;
      },
    });
    fleet.nodes.set('i-0a1b2c3d4e5f60701', {
      evidence: 'node-disk-pressure-node.json',
      healthy: false,
      repair: (sv) =>
        setCondition(
          sv,
          NODE,
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'node.kubernetes.io/disk-pressure',
        ),
    });

    const run = await s.execute(alarm('eks-node-filesystem-no-instance.json'));

    expect(run.error).toBeUndefined();
    // The alarm's account and region travel with the target (the hub's own here: read with the function's role).
    expect(run.output.intake.targets).toEqual([
      {
        id: 'i-0a1b2c3d4e5f60701',
        platform: 'eks',
        cluster: CLUSTER,
        node: NODE,
        instanceId: 'i-0a1b2c3d4e5f60701',
        account: '123456789012',
        region: 'eu-west-1',
      },
    ]);
    const bundle = await bundleOf(s, run.output.collection.evidence[0].ref);
    expect(Object.keys(bundle.sections)).toEqual(
      expect.arrayContaining(['kubelet.journal', 'disk.df', 'k8s.node', 'k8s.pods', 'k8s.events']),
    );
    // The recorded node had no iostat: that section's error is kept beside the successes.
    expect(run.output.collection.evidence[0].sources).toEqual([
      { kind: 'ssm-command', status: 'partial', failedSections: ['io.block'] },
      { kind: 'kubernetes-api', status: 'collected' },
    ]);
    expect(run.output.classification.runbookId).toBe('node-disk-pressure');
    expect(approvals).toEqual([
      'k8s-cordon-node,k8s-drain-node,node-prune-images,node-journal-vacuum,k8s-uncordon-node',
    ]);
    expect(run.output.remediation.outcomes.map((o: any) => [o.action, o.status])).toEqual([
      ['k8s-cordon-node', 'succeeded'],
      ['k8s-drain-node', 'succeeded'],
      ['node-prune-images', 'succeeded'],
      ['node-journal-vacuum', 'succeeded'],
      ['k8s-uncordon-node', 'succeeded'],
    ]);
    // Within the budget: three evictions for two web pods (one refused with 429, retried after backing off); no running
    // workload pod is left on the node (the kubelet's already-evicted batch pod is finished and is left alone, as kubectl does).
    expect(evictions(server).filter((r) => r.path.includes('/web-'))).toHaveLength(3);
    expect(
      server
        .objects('pods')
        .filter((p) => p.spec.nodeName === NODE && p.metadata.namespace === 'shop')
        .map((p) => `${p.metadata.name}:${p.status.phase}`),
    ).toEqual(['batch-etl-6f5e4d3c2-u7i8o:Failed']);
    expect(
      server.objects('nodes').find((n) => n.metadata.name === NODE)!.spec.unschedulable,
    ).toBeFalsy();
    expect(
      fleet.requests
        .filter((r) => !r.document.startsWith('Paramedic-Collect'))
        .map((r) => r.document),
    ).toEqual(['Paramedic-NodePruneImages', 'Paramedic-JournalVacuum']);
    // Verify re-read the node's condition through the API and judged it against the diagnosis.
    expect(run.output.verification.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          description: `node ${NODE} DiskPressure is not True`,
          status: 'passed',
          observed: 'DiskPressure=False (KubeletHasNoDiskPressure)',
        }),
        expect.objectContaining({ description: `node ${NODE} is Ready`, status: 'passed' }),
      ]),
    );
    // The evicted pod and the events stay in the cluster's history; the runbook verifies on the node's current condition.
    expect(run.output.verification.cleared).toBe(true);
    expect(run.output.completion.outcome).toBe('remediated');
    const entries = await s.audit.execution(run.executionId);
    expect(entries.map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'preconditions',
      'approval-requested',
      'approval',
      'step-started',
      'step',
      'step-started',
      'step',
      'step-started',
      'step',
      'step-started',
      'step',
      'step-started',
      'step',
      'verified',
      'released',
      'completed',
    ]);
    expect(JSON.stringify(entries.filter((e) => e.type === 'step').map((e) => e.data))).toContain(
      'evicted pod shop/web-6d5c4b3a2-',
    );
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it('node-disk-pressure whose fix did not help: DiskPressure re-read True fails the check, the run escalates', async () => {
    const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
    const { s, fleet } = await eksScenario();
    fleet.nodes.set('i-0a1b2c3d4e5f60701', {
      evidence: 'node-disk-pressure-node.json',
      healthy: false,
      repair: () => undefined,
    });

    const run = await s.execute(alarm('eks-node-filesystem-no-instance.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.remediation.failed).toBe(false);
    expect(run.state.verification.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          description: `node ${NODE} DiskPressure is not True`,
          status: 'failed',
          observed: expect.stringMatching(/^DiskPressure=True/),
        }),
      ]),
    );
    expect(run.state.verification.cleared).toBe(false);
    expect(run.state.completion.outcome).toBe('escalated');
  });

  it('node-not-ready: node alarm resolves through providerID; cordon, drain, restart the runtime over SSM, uncordon; Verify reads Ready', async () => {
    const NODE = 'ip-10-0-3-67.eu-west-1.compute.internal';
    const server = cluster.server;
    server.load(loadScenario('node-not-ready-pleg'));
    const { s, fleet } = await eksScenario();
    fleet.nodes.set('i-0a1b2c3d4e5f60703', {
      evidence: 'node-not-ready-pleg.json',
      healthy: false,
      repair: (sv) =>
        setCondition(sv, NODE, 'Ready', 'True', 'KubeletReady', 'node.kubernetes.io/not-ready'),
    });

    const run = await s.execute(
      alarmWith('eks-node-not-ready.json', { ClusterName: CLUSTER, NodeName: NODE }),
    );

    expect(run.error).toBeUndefined();
    expect(run.output.intake.targets[0]).toMatchObject({
      id: 'i-0a1b2c3d4e5f60703',
      cluster: CLUSTER,
      node: NODE,
    });
    const bundle = await bundleOf(s, run.output.collection.evidence[0].ref);
    expect(bundle.sections['kubelet.journal']!.output).toContain('PLEG is not healthy');
    expect(bundle.sections['k8s.node']!.output).toMatch(/Ready\s+False/);
    expect(run.output.classification.runbookId).toBe('node-not-ready');
    expect(run.output.remediation.outcomes.map((o: any) => o.action)).toEqual([
      'k8s-cordon-node',
      'k8s-drain-node',
      'node-restart-runtime',
      'k8s-uncordon-node',
    ]);
    expect(run.output.remediation.failed).toBe(false);
    expect(run.output.verification.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          description: `node ${NODE} is Ready`,
          status: 'passed',
          observed: 'Ready=True (KubeletReady)',
        }),
      ]),
    );
    expect(run.output.completion.outcome).toBe('remediated');
  });

  it('pod-level probe failure: a workload PodName resolves to its pod and node; the pod is deleted on approval; Verify reads its replacement', async () => {
    const server = cluster.server;
    server.load(loadScenario('probe-failure-liveness'));
    const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
    // The ReplicaSet controller is not part of the local API server: after the delete, the test plays it.
    const wrap = (real: ActionExecutor): ActionExecutor => ({
      async execute(step, targets, context) {
        const out = await real.execute(step, targets, context);
        if (step.action === 'k8s-delete-pod')
          server
            .objects('pods')
            .push(
              appPod(
                'catalog-8b7a6c5d4-k2m9p',
                'catalog',
                'ip-10-0-2-45.eu-west-1.compute.internal',
              ),
            );
        return out;
      },
    });
    const { s, fleet } = await eksScenario({ wrap });
    fleet.nodes.set('i-0a1b2c3d4e5f60701', {
      evidence: 'probe-failure-liveness.json',
      healthy: false,
      repair: () => undefined,
    });

    // The alarm fired while the recorded probe failures happened (the scenario's clock), so its window holds their events.
    const run = await s.execute(
      alarmWith(
        'eks-pod-restarts-workload.json',
        { ClusterName: CLUSTER, Namespace: 'shop', PodName: 'catalog' },
        loadScenario('probe-failure-liveness').now,
      ),
    );

    expect(run.error).toBeUndefined();
    expect(run.output.intake.targets).toEqual([
      {
        id: 'i-0a1b2c3d4e5f60701',
        platform: 'eks',
        cluster: CLUSTER,
        node: NODE,
        instanceId: 'i-0a1b2c3d4e5f60701',
        namespace: 'shop',
        pod: 'catalog-8b7a6c5d4-f3g4h',
        account: '123456789012',
        region: 'eu-west-1',
      },
    ]);
    const bundle = await bundleOf(s, run.output.collection.evidence[0].ref);
    expect(bundle.sections['kubelet.journal']!.output).toContain(
      '"Probe failed" probeType="Liveness"',
    );
    expect(bundle.sections['k8s.events']!.output).toContain('Liveness probe failed');
    expect(bundle.target).toMatchObject({
      cluster: CLUSTER,
      namespace: 'shop',
      pod: 'catalog-8b7a6c5d4-f3g4h',
      instanceId: 'i-0a1b2c3d4e5f60701',
    });
    expect(run.output.classification.runbookId).toBe('probe-failure');
    expect(run.output.remediation.outcomes.map((o: any) => [o.action, o.status])).toEqual([
      ['report', 'succeeded'],
      ['k8s-delete-pod', 'succeeded'],
    ]);
    expect(server.objects('pods').some((p) => p.metadata.name === 'catalog-8b7a6c5d4-f3g4h')).toBe(
      false,
    );
    // Re-read after the delete, the node still returns the kubelet's probe lines and the API its probe
    // events, all from before the fix: they prove nothing now (the events are left out, the lines ignored).
    const verifyBundle = await bundleOf(s, run.output.verification.evidence[0].ref);
    expect(verifyBundle.sections['kubelet.journal']!.output).toContain(
      '"Probe failed" probeType="Liveness"',
    );
    expect(verifyBundle.sections['k8s.events']!.output).not.toMatch(/probe failed/i);
    expect(run.output.verification).toMatchObject({ cleared: true, stillMatching: [] });
    expect(run.output.verification.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          description: 'pod shop/catalog-8b7a6c5d4-f3g4h (or its replacement) is Running and Ready',
          status: 'passed',
          observed: expect.stringContaining('catalog-8b7a6c5d4-k2m9p: Running, ready 1/1'),
        }),
      ]),
    );
    expect(run.output.completion.outcome).toBe('remediated');
    expect((await s.audit.execution(run.executionId)).map((e) => e.type)).toContain('verified');
  });

  it('an unreachable API server: node evidence plus an explicit k8s error section; Verify cannot pass what it could not read', async () => {
    const { s, fleet } = await eksScenario();
    const down = new KubernetesClusterPort({
      accessFor: () => ({
        clients: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
      }),
      clock: { now: () => new Date() },
    });
    Object.assign(s.ports, { cluster: down });
    fleet.nodes.set('i-0a1b2c3d4e5f60701', {
      evidence: 'node-disk-pressure-node.json',
      healthy: false,
      repair: () => undefined,
    });

    const run = await s.execute(
      alarmWith('eks-node-not-ready.json', {
        ClusterName: CLUSTER,
        NodeName: 'ip-10-0-1-23.eu-west-1.compute.internal',
        InstanceId: 'i-0a1b2c3d4e5f60701',
      }),
    );

    expect(run.error).toBeUndefined();
    const bundle = await bundleOf(s, run.output.collection.evidence[0].ref);
    expect(bundle.sections['kubelet.journal']!.output).toContain('Eviction manager');
    expect(bundle.sections['k8s.cluster']).toMatchObject({
      exitCode: 1,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(run.output.collection.evidence[0].sources[1]).toEqual({
      kind: 'kubernetes-api',
      status: 'partial',
      failedSections: ['k8s.cluster'],
    });
    // node-not-ready reads k8s.node to verify: never collected, so the run cannot end as remediated.
    expect(run.output.completion.outcome).not.toBe('remediated');
  });
});
