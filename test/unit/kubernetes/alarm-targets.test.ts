import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  instanceIdFromProviderId,
  kubernetesLookupsFor,
  podBelongsToWorkload,
  resolveKubernetesAlarmTargets,
  type PodFacts,
} from '../../../lambdas/core/kubernetes/alarm-targets.js';
import { failingNodes, nodeFailures } from '../../../lambdas/core/kubernetes/failing-nodes.js';

/** The dimension maps of an alarm fixture, as EventBridge delivers them. */
function dimensionsOf(file: string): Record<string, string>[] {
  const event = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/alarms', file), 'utf8'));
  return event.detail.configuration.metrics.map(
    (m: { metricStat: { metric: { dimensions: Record<string, string> } } }) =>
      m.metricStat.metric.dimensions,
  );
}

const N1 = 'ip-10-0-1-23.eu-west-1.compute.internal';
const N2 = 'ip-10-0-2-45.eu-west-1.compute.internal';
const pod = (name: string, extra: Partial<PodFacts> = {}): PodFacts => ({
  cluster: 'shop-prod',
  namespace: 'shop',
  name,
  nodeName: N1,
  ownerKind: 'ReplicaSet',
  ownerName: name.replace(/-[a-z0-9]{5}$/, ''),
  phase: 'Running',
  ready: true,
  restarts: 0,
  ...extra,
});

describe('providerID', () => {
  it('reads the instance of an EC2 node and nothing else', () => {
    expect(instanceIdFromProviderId('aws:///eu-west-1a/i-0a1b2c3d4e5f60701')).toBe(
      'i-0a1b2c3d4e5f60701',
    );
    expect(
      instanceIdFromProviderId('aws:///eu-west-1a/fargate-ip-10-0-1-9.eu-west-1.compute.internal'),
    ).toBeUndefined();
    expect(
      instanceIdFromProviderId('aws:///eu-west-1a/i-0a1b2c3d4e5f60701; reboot'),
    ).toBeUndefined();
    expect(instanceIdFromProviderId('gce://project/zone/vm')).toBeUndefined();
    expect(instanceIdFromProviderId(undefined)).toBeUndefined();
  });
});

describe('node alarms', () => {
  it('takes the InstanceId dimension when Container Insights sends it, and still asks for the node (is it being removed?)', () => {
    const dims = dimensionsOf('eks-node-not-ready.json');
    expect(kubernetesLookupsFor(dims)).toEqual({
      clusters: [],
      nodes: [{ cluster: 'prod-eu', node: 'ip-10-0-12-34.eu-west-1.compute.internal' }],
      pods: [],
    });
    // The node could not be read (no access to the cluster): the instance is still the target.
    expect(resolveKubernetesAlarmTargets(dims).targets).toEqual([
      {
        kind: 'node',
        cluster: 'prod-eu',
        node: 'ip-10-0-12-34.eu-west-1.compute.internal',
        instanceId: 'i-03c4d5e6f7a8b9c0d',
      },
    ]);
  });

  it('without InstanceId, asks for the node and resolves it through spec.providerID', () => {
    const dims = dimensionsOf('eks-node-filesystem-no-instance.json');
    expect(kubernetesLookupsFor(dims)).toEqual({
      clusters: [],
      nodes: [{ cluster: 'shop-prod', node: N1 }],
      pods: [],
    });
    const r = resolveKubernetesAlarmTargets(dims, {
      nodes: [
        { cluster: 'shop-prod', node: N1, providerID: 'aws:///eu-west-1a/i-0a1b2c3d4e5f60701' },
      ],
    });
    expect(r).toEqual({
      targets: [
        { kind: 'node', cluster: 'shop-prod', node: N1, instanceId: 'i-0a1b2c3d4e5f60701' },
      ],
      unresolved: [],
    });
  });

  it('a node being removed on purpose is no target of the alarm that names it, and the line says who removes it', () => {
    const dims = dimensionsOf('eks-node-not-ready.json');
    const name = 'ip-10-0-12-34.eu-west-1.compute.internal';
    for (const removedBy of ['karpenter', 'cluster-autoscaler', 'deletion'] as const) {
      const r = resolveKubernetesAlarmTargets(dims, {
        nodes: [{ cluster: 'prod-eu', node: name, removedBy }],
      });
      expect(r.targets).toEqual([]);
      expect(r.unresolved).toEqual([
        {
          dimensions: dims[0],
          reason: expect.stringMatching(
            new RegExp(
              `^node ${name.replaceAll('.', '\\.')} of cluster prod-eu is being removed by ${
                {
                  karpenter: 'Karpenter',
                  'cluster-autoscaler': 'the Cluster Autoscaler',
                  deletion: 'a delete of the Node object',
                }[removedBy]
              }: not a target: .*its metrics stop, so this alarm goes to INSUFFICIENT_DATA, not OK .*; if it failed first, the ${
                removedBy === 'deletion' ? "Node's events" : 'autoscaler events'
              }.*stuck removal`,
            ),
          ),
        },
      ]);
    }
    // The name now belongs to another instance (the alarm's is gone, its private name reused): the
    // new node's removal says nothing of the alarm's instance, and the node by that name is another
    // machine, being removed or not: no target (a drain by name would drain the other one).
    for (const removedBy of ['karpenter', undefined] as const) {
      const reused = resolveKubernetesAlarmTargets(dims, {
        nodes: [
          {
            cluster: 'prod-eu',
            node: name,
            providerID: 'aws:///eu-west-1a/i-0ffffffffffffffff',
            ...(removedBy ? { removedBy } : {}),
          },
        ],
      });
      expect(reused.targets).toEqual([]);
      expect(reused.unresolved).toEqual([
        {
          dimensions: dims[0],
          reason: expect.stringMatching(
            /^node ip-10-0-12-34\.eu-west-1\.compute\.internal of cluster prod-eu is now instance i-0ffffffffffffffff, not the alarm's i-03c4d5e6f7a8b9c0d: not a target: .*would reach the other machine.*INSUFFICIENT_DATA/,
          ),
        },
      ]);
    }
    // The same instance: its removal applies.
    expect(
      resolveKubernetesAlarmTargets(dims, {
        nodes: [
          {
            cluster: 'prod-eu',
            node: name,
            providerID: 'aws:///eu-west-1a/i-03c4d5e6f7a8b9c0d',
            removedBy: 'karpenter',
          },
        ],
      }).unresolved[0]?.reason,
    ).toMatch(/is being removed by Karpenter/);
    // Another node of the cluster being removed changes nothing for this one.
    const other = resolveKubernetesAlarmTargets(dims, {
      nodes: [
        { cluster: 'prod-eu', node: name },
        {
          cluster: 'prod-eu',
          node: 'ip-10-0-99-1.eu-west-1.compute.internal',
          removedBy: 'karpenter',
        },
      ],
    });
    expect(other.targets).toEqual([
      { kind: 'node', cluster: 'prod-eu', node: name, instanceId: 'i-03c4d5e6f7a8b9c0d' },
    ]);
    expect(other.unresolved).toEqual([]);
  });

  it('keeps a node it could not read as an API-only target and says why it has no instance', () => {
    const r = resolveKubernetesAlarmTargets(dimensionsOf('eks-node-filesystem-no-instance.json'), {
      nodes: [],
    });
    expect(r.targets).toEqual([{ kind: 'node', cluster: 'shop-prod', node: N1 }]);
    expect(r.unresolved[0]!.reason).toMatch(
      /could not be read from cluster shop-prod: its instance id is unknown/,
    );
    const fargate = resolveKubernetesAlarmTargets(
      dimensionsOf('eks-node-filesystem-no-instance.json'),
      { nodes: [{ cluster: 'shop-prod', node: N1, providerID: 'aws:///eu-west-1a/fargate-x' }] },
    );
    expect(fargate.unresolved[0]!.reason).toMatch(
      /has no EC2 providerID \(aws:\/\/\/eu-west-1a\/fargate-x\)/,
    );
  });
});

describe('pod alarms', () => {
  const pods = [
    pod('reports-6f5d4c3b2-k7j6h', { restarts: 7, ready: false }),
    pod('reports-6f5d4c3b2-a1b2c', { nodeName: N2 }),
    pod('reports-api-7c8d9e0f1-zz9yy'), // another workload whose name starts with "reports-"
    pod('web-6d5c4b3a2-aaaaa'),
  ];
  const nodes = [
    { cluster: 'shop-prod', node: N1, providerID: 'aws:///eu-west-1a/i-0a1b2c3d4e5f60701' },
    { cluster: 'shop-prod', node: N2, providerID: 'aws:///eu-west-1b/i-0a1b2c3d4e5f60702' },
  ];

  it('a workload-level PodName resolves to its pods (least healthy first), each with its node and instance', () => {
    const dims = dimensionsOf('eks-pod-restarts-workload.json');
    expect(kubernetesLookupsFor(dims)).toEqual({
      clusters: [],
      nodes: [],
      pods: [{ cluster: 'shop-prod', namespace: 'shop', podName: 'reports' }],
    });
    const r = resolveKubernetesAlarmTargets(dims, { pods, nodes });
    expect(r.targets).toEqual([
      {
        kind: 'pod',
        cluster: 'shop-prod',
        namespace: 'shop',
        pod: 'reports-6f5d4c3b2-k7j6h',
        node: N1,
        instanceId: 'i-0a1b2c3d4e5f60701',
      },
      {
        kind: 'pod',
        cluster: 'shop-prod',
        namespace: 'shop',
        pod: 'reports-6f5d4c3b2-a1b2c',
        node: N2,
        instanceId: 'i-0a1b2c3d4e5f60702',
      },
    ]);
  });

  it('FullPodName names exactly one pod', () => {
    const r = resolveKubernetesAlarmTargets(dimensionsOf('eks-full-pod-name-restarts.json'), {
      pods,
      nodes,
    });
    expect(r.targets).toEqual([
      {
        kind: 'pod',
        cluster: 'shop-prod',
        namespace: 'shop',
        pod: 'web-6d5c4b3a2-aaaaa',
        node: N1,
        instanceId: 'i-0a1b2c3d4e5f60701',
      },
    ]);
  });

  it('a PodName that is a pod name (prefer_full_pod_name) is taken as is', () => {
    const r = resolveKubernetesAlarmTargets(
      [{ ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'web-6d5c4b3a2-aaaaa' }],
      { pods },
    );
    expect(r.targets).toEqual([
      {
        kind: 'pod',
        cluster: 'shop-prod',
        namespace: 'shop',
        pod: 'web-6d5c4b3a2-aaaaa',
        node: N1,
      },
    ]);
  });

  it('caps a big workload at the least healthy five', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      pod(`batch-7d6c5b4a3-p${String(i).padStart(4, '0')}`, { restarts: i }),
    );
    const r = resolveKubernetesAlarmTargets(
      [{ ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'batch' }],
      { pods: many },
    );
    expect(r.targets.map((t) => (t.kind === 'pod' ? t.pod : '')).map((n) => n.slice(-2))).toEqual([
      '11',
      '10',
      '09',
      '08',
      '07',
    ]);
  });

  it('reports a pod alarm whose pods are gone or unreadable, never a guess', () => {
    const r = resolveKubernetesAlarmTargets(dimensionsOf('eks-pod-restarts-workload.json'), {
      pods: [],
    });
    expect(r.targets).toEqual([]);
    expect(r.unresolved[0]!.reason).toBe(
      'no pod named or owned by workload reports in shop-prod/shop (gone, or not readable)',
    );
  });

  it('workload ownership: DaemonSet by name, ReplicaSet by name plus hash, never a longer workload name', () => {
    expect(
      podBelongsToWorkload(
        pod('aws-node-b7x2k', { ownerKind: 'DaemonSet', ownerName: 'aws-node' }),
        'aws-node',
      ),
    ).toBe(true);
    expect(podBelongsToWorkload(pod('reports-api-7c8d9e0f1-zz9yy'), 'reports')).toBe(false);
    expect(
      podBelongsToWorkload(pod('x', { ownerKind: undefined, ownerName: undefined }), 'x'),
    ).toBe(false);
  });
});

describe('cluster-level alarms (ClusterName only)', () => {
  const ready = (status: string) => [
    { type: 'MemoryPressure', status: 'False' },
    { type: 'DiskPressure', status: 'False' },
    { type: 'Ready', status },
  ];
  const node = (name: string, conditions: { type: string; status: string }[], i = 1) => ({
    cluster: 'shop-prod',
    node: name,
    providerID: `aws:///eu-west-1a/i-0a1b2c3d4e5f6070${i}`,
    conditions,
  });

  it("asks for the cluster's node list and targets its failing nodes, least healthy first, with their instances", () => {
    const dims = [{ ClusterName: 'shop-prod' }];
    expect(kubernetesLookupsFor(dims)).toEqual({ clusters: ['shop-prod'], nodes: [], pods: [] });
    const r = resolveKubernetesAlarmTargets(dims, {
      clusterNodes: {
        'shop-prod': [
          node('n-healthy', ready('True'), 1),
          node('n-disk', [...ready('True'), { type: 'DiskPressure', status: 'True' }], 2),
          node('n-unknown', ready('Unknown'), 3),
          node('n-not-ready', ready('False'), 4),
          node('n-never-reported', [], 5),
        ],
      },
    });
    expect(r.unresolved).toEqual([]);
    expect(r.targets).toEqual([
      {
        kind: 'node',
        cluster: 'shop-prod',
        node: 'n-never-reported',
        instanceId: 'i-0a1b2c3d4e5f60705',
      },
      {
        kind: 'node',
        cluster: 'shop-prod',
        node: 'n-not-ready',
        instanceId: 'i-0a1b2c3d4e5f60704',
      },
      { kind: 'node', cluster: 'shop-prod', node: 'n-unknown', instanceId: 'i-0a1b2c3d4e5f60703' },
      { kind: 'node', cluster: 'shop-prod', node: 'n-disk', instanceId: 'i-0a1b2c3d4e5f60702' },
    ]);
  });

  it('says why when no node fails, and when the nodes could not be listed', () => {
    const dims = [{ ClusterName: 'shop-prod' }];
    const healthy = resolveKubernetesAlarmTargets(dims, {
      clusterNodes: { 'shop-prod': [node('a', ready('True')), node('b', ready('True'))] },
    });
    expect(healthy.targets).toEqual([]);
    expect(healthy.unresolved[0]!.reason).toBe(
      'no node of cluster shop-prod reports a failing condition (Ready not True, or DiskPressure, MemoryPressure, PIDPressure or NetworkUnavailable not False) among its 2 nodes',
    );
    expect(resolveKubernetesAlarmTargets(dims, {}).unresolved[0]!.reason).toBe(
      "the nodes of cluster shop-prod could not be listed: a cluster-level alarm's targets are its failing nodes",
    );
    expect(
      resolveKubernetesAlarmTargets(dims, {
        clusterNodeListNotes: { 'shop-prod': 'Error from server (Forbidden): nodes is forbidden' },
      }).unresolved[0]!.reason,
    ).toBe(
      "the nodes of cluster shop-prod could not be listed (Error from server (Forbidden): nodes is forbidden): a cluster-level alarm's targets are its failing nodes",
    );
  });

  it('failing nodes without an EC2 providerID (Fargate, a node the cloud provider never initialized) stay targets, and one line says so', () => {
    const dims = [{ ClusterName: 'shop-prod' }];
    const r = resolveKubernetesAlarmTargets(dims, {
      clusterNodes: {
        'shop-prod': [
          node('n-ec2', ready('False'), 1),
          {
            cluster: 'shop-prod',
            node: 'fargate-ip-10-0-9-9',
            providerID: 'aws:///eu-west-1a/7f1e/fargate-ip-10-0-9-9',
            conditions: ready('Unknown'),
          },
          { cluster: 'shop-prod', node: 'n-uninitialized', conditions: ready('False') },
        ],
      },
    });
    expect(r.targets.map((t) => t.kind === 'node' && [t.node, t.instanceId])).toEqual([
      ['fargate-ip-10-0-9-9', undefined],
      ['n-ec2', 'i-0a1b2c3d4e5f60701'],
      ['n-uninitialized', undefined],
    ]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      '2 failing nodes of cluster shop-prod have no EC2 providerID (fargate-ip-10-0-9-9, n-uninitialized): node-side (SSM) evidence and actions are not possible on them',
    ]);
  });

  it('a node list cut at its bounds keeps the failing nodes read, and says the rest were not', () => {
    const dims = [{ ClusterName: 'shop-prod' }];
    const r = resolveKubernetesAlarmTargets(dims, {
      clusterNodes: { 'shop-prod': [node('a', ready('True')), node('b', ready('False'))] },
      clusterNodeListNotes: { 'shop-prod': 'more than 2 items (8 not read)' },
    });
    expect(r.targets.map((t) => t.kind === 'node' && t.node)).toEqual(['b']);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      'the node list of cluster shop-prod stopped after 2 nodes (more than 2 items (8 not read)): failing nodes past them are not targets',
    ]);
  });
  it('failing nodes being removed (Karpenter, the Cluster Autoscaler, a deleted Node) are not targets, and one line says so', () => {
    const dims = [{ ClusterName: 'shop-prod' }];
    const r = resolveKubernetesAlarmTargets(dims, {
      clusterNodes: {
        'shop-prod': [
          node('n-broken', ready('False'), 1),
          { ...node('n-consolidated', ready('Unknown'), 2), removedBy: 'karpenter' as const },
          { ...node('n-drifted', ready('Unknown'), 3), removedBy: 'karpenter' as const },
          // A healthy node being removed is not failing: it is neither a target nor on the line.
          { ...node('n-draining', ready('True'), 4), removedBy: 'cluster-autoscaler' as const },
        ],
      },
    });
    expect(r.targets).toEqual([
      { kind: 'node', cluster: 'shop-prod', node: 'n-broken', instanceId: 'i-0a1b2c3d4e5f60701' },
    ]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      '2 failing nodes of cluster shop-prod are being removed by Karpenter (n-consolidated, n-drifted): not targets: their pods move to other nodes, which are targets if they fail; if they failed first, the autoscaler events say why it removed them; a node still there long after is a stuck removal (a finalizer, a pod that will not evict)',
    ]);
  });

  it('when every failing node is being removed there are no targets, and the line says so', () => {
    const r = resolveKubernetesAlarmTargets([{ ClusterName: 'shop-prod' }], {
      clusterNodes: {
        'shop-prod': [
          node('n-healthy', ready('True'), 1),
          { ...node('n-scaled-in', ready('Unknown'), 2), removedBy: 'cluster-autoscaler' as const },
          { ...node('n-deleted', ready('False'), 3), removedBy: 'deletion' as const },
        ],
      },
    });
    expect(r.targets).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      expect.stringMatching(
        /^all 2 failing nodes of cluster shop-prod are being removed, 1 by a delete of the Node object and 1 by the Cluster Autoscaler \(n-deleted, n-scaled-in\): no targets: nothing is left to collect from or act on, and the alarm should clear once they are gone; /,
      ),
    ]);
  });
});

describe('failing nodes', () => {
  it('reads every condition Container Insights counts as a failure, and nothing else', () => {
    expect(nodeFailures([{ type: 'Ready', status: 'True' }])).toEqual([]);
    expect(
      nodeFailures([
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'True' },
        { type: 'PIDPressure', status: 'True' },
        { type: 'NetworkUnavailable', status: 'True' },
        // A condition a node-problem-detector adds is not one Container Insights counts.
        { type: 'KernelDeadlock', status: 'True' },
      ]),
    ).toEqual(['MemoryPressure=True', 'PIDPressure=True', 'NetworkUnavailable=True']);
    expect(nodeFailures(undefined)).toEqual(['Ready not reported']);
    // The agent counts a pressure or network condition that is not False: Unknown fails too.
    expect(
      nodeFailures([
        { type: 'Ready', status: 'True' },
        { type: 'DiskPressure', status: 'Unknown' },
        { type: 'NetworkUnavailable', status: 'False' },
      ]),
    ).toEqual(['DiskPressure=Unknown']);
    // The node lifecycle controller's view of a silent kubelet: every condition Unknown.
    expect(
      nodeFailures([
        { type: 'MemoryPressure', status: 'Unknown' },
        { type: 'Ready', status: 'Unknown' },
      ]),
    ).toEqual(['Ready=Unknown', 'MemoryPressure=Unknown']);
    expect(
      failingNodes([
        { node: 'b', conditions: [{ type: 'Ready', status: 'False' }] },
        { node: 'a', conditions: [{ type: 'Ready', status: 'False' }] },
      ]).map((n) => n.node.node),
    ).toEqual(['a', 'b']);
  });
});

describe('untrusted and unusable dimension sets', () => {
  it('drops shell text and says why each set named nothing', () => {
    const r = resolveKubernetesAlarmTargets([
      { ClusterName: 'prod; rm -rf /', NodeName: 'n1' },
      { ClusterName: 'prod', NodeName: '$(reboot)' },
      { ClusterName: 'prod', Namespace: 'shop' },
      { ClusterName: 'prod', ServiceName: 'web' },
      { InstanceId: 'i-0123456789abcdef0' },
    ]);
    expect(r.targets).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([
      'ClusterName is not an EKS cluster name',
      'NodeName is not a Kubernetes node name',
      'Namespace without a valid PodName or FullPodName (namespace-level alarms name no pod)',
      'ClusterName with dimensions other than NodeName, InstanceId or a pod names no node or pod',
      'no ClusterName dimension',
    ]);
  });

  it('stays linear on a long hostile value', () => {
    const long = `${'a-'.repeat(50_000)}!`;
    // CPU time, not wall time: a busy machine stretches wall time, not the work. Measured: 0.1-0.4 ms
    // with both cores busy; the DNS subdomain pattern without its ^ anchor and length bound, 21 s.
    const started = process.cpuUsage();
    resolveKubernetesAlarmTargets([
      { ClusterName: 'prod', NodeName: long },
      { ClusterName: 'prod', Namespace: 'shop', PodName: long },
    ]);
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(200);
  });
});
