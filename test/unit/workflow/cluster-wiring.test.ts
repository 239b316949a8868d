import { describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import {
  NO_CLUSTER_ACCESS,
  clusterViews,
  withClusterView,
} from '../../../lambdas/core/workflow/cluster-evidence.js';
import {
  resolveClusterDimensions,
  workflowTargetOf,
} from '../../../lambdas/core/workflow/cluster-targets.js';
import { verifyClusterState } from '../../../lambdas/core/workflow/cluster-verification.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';
import type { ClusterPort, EvidenceStore } from '../../../lambdas/core/workflow/ports.js';
import { decideVerification } from '../../../lambdas/core/workflow/verification.js';

const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const node: Target = {
  id: 'i-0a1b2c3d4e5f60701',
  platform: 'eks',
  cluster: 'shop-prod',
  node: NODE,
  instanceId: 'i-0a1b2c3d4e5f60701',
};
const nodeBundle: EvidenceBundle = {
  schema: 'paramedic.evidence/v1',
  collectedAt: '2026-11-23T09:00:00Z',
  target: {
    platform: 'eks',
    instanceId: node.instanceId!,
    cluster: null,
    node: NODE,
    namespace: null,
    pod: null,
    container: null,
  },
  sections: {
    'kubelet.journal': { command: 'journalctl -u kubelet', output: 'ok\n', exitCode: 0 },
  },
} as EvidenceBundle;
const noStore: EvidenceStore = {
  put: async () => {
    throw new Error('unused');
  },
  get: async () => {
    throw new Error('unused');
  },
};

describe('Intake: Container Insights dimension sets and the cluster port', () => {
  it('a pod target is locked and collected on its node instance, and keeps namespace and pod', () => {
    expect(
      workflowTargetOf({
        kind: 'pod',
        cluster: 'shop-prod',
        namespace: 'shop',
        pod: 'web-6d5c4b3a2-aaaaa',
        node: NODE,
        instanceId: 'i-0a1b2c3d4e5f60701',
      }),
    ).toEqual({
      id: 'i-0a1b2c3d4e5f60701',
      platform: 'eks',
      cluster: 'shop-prod',
      node: NODE,
      instanceId: 'i-0a1b2c3d4e5f60701',
      namespace: 'shop',
      pod: 'web-6d5c4b3a2-aaaaa',
    });
    expect(workflowTargetOf({ kind: 'node', cluster: 'shop-prod', node: NODE }).id).toBe(NODE);
  });

  it('without cluster access a node set falls back to the target grammar and a pod set is recorded as unresolved', async () => {
    const r = await resolveClusterDimensions(
      [
        { ClusterName: 'shop-prod', NodeName: NODE },
        { ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'web' },
        { InstanceId: 'i-0a1b2c3d4e5f60799' },
      ],
      undefined,
    );

    expect(r.targets).toEqual([]);
    expect(r.rest).toEqual([
      { InstanceId: 'i-0a1b2c3d4e5f60799' },
      { ClusterName: 'shop-prod', NodeName: NODE },
    ]);
    expect(r.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'web' },
        reason: expect.stringMatching(/no cluster access is configured/),
      },
    ]);
  });

  it('with cluster access only the Container Insights sets go to the cluster; its unresolved entries are kept', async () => {
    const asked: unknown[] = [];
    const cluster = {
      resolve: async (d: unknown) => {
        asked.push(d);
        return {
          targets: [{ kind: 'node' as const, cluster: 'shop-prod', node: NODE }],
          unresolved: [{ dimensions: { ClusterName: 'shop-prod' }, reason: 'names no node' }],
        };
      },
    } as unknown as ClusterPort;

    const r = await resolveClusterDimensions(
      [{ ClusterName: 'shop-prod', NodeName: NODE }, { AutoScalingGroupName: 'web' }],
      cluster,
    );

    expect(asked).toEqual([[{ ClusterName: 'shop-prod', NodeName: NODE }]]);
    expect(r.targets.map((t) => t.id)).toEqual([NODE]);
    expect(r.rest).toEqual([{ AutoScalingGroupName: 'web' }]);
    expect(r.unresolved).toHaveLength(1);
  });
});

describe('Intake: a cluster-level dimension set (ClusterName only)', () => {
  const recording = (asked: unknown[]) =>
    ({
      resolve: async (d: unknown) => {
        asked.push(d);
        return { targets: [], unresolved: [] };
      },
    }) as unknown as ClusterPort;

  it("of a configured cluster goes to the cluster port (its failing nodes); another's stays with the target grammar", async () => {
    const asked: unknown[] = [];
    const r = await resolveClusterDimensions(
      [{ ClusterName: 'shop-prod' }, { ClusterName: 'orders-ecs' }],
      recording(asked),
      undefined,
      ['shop-prod'],
    );
    expect(asked).toEqual([[{ ClusterName: 'shop-prod' }]]);
    // An ECS cluster (or any cluster not in eksClusters) is not read as Kubernetes.
    expect(r.rest).toEqual([{ ClusterName: 'orders-ecs' }]);
  });

  it('without cluster access it is recorded as unresolved, with what to configure', async () => {
    const r = await resolveClusterDimensions([{ ClusterName: 'shop-prod' }], undefined, undefined, [
      'shop-prod',
    ]);
    expect(r.rest).toEqual([]);
    expect(r.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason:
          "a cluster-level alarm needs the cluster API to find the cluster's failing nodes, and no cluster access is configured (config eksClusters; locally --kubeconfig)",
      },
    ]);
  });
});

describe('Collect: one incident bundle per EKS target', () => {
  it('without cluster access the node evidence is kept beside an explicit k8s.cluster error section', async () => {
    const target = node as Target & { cluster: string };
    const views = await clusterViews(undefined, [target]);
    const b = withClusterView(
      target,
      { kind: 'ssm-command', bundle: nodeBundle },
      views.get(target.id)!,
      new Date('2026-11-23T09:01:00Z'),
    );

    expect(b.sections['kubelet.journal']!.output).toBe('ok\n');
    expect(b.sections['k8s.cluster']).toMatchObject({ exitCode: 1, error: NO_CLUSTER_ACCESS });
    expect(b.target).toMatchObject({
      cluster: 'shop-prod',
      node: NODE,
      instanceId: node.instanceId,
    });
  });

  it('the joined bundle keeps the incident window when the node produced nothing (the alarm time, not the collection time)', async () => {
    const target = node as Target & { cluster: string };
    const window = { incidentTime: '2026-11-23T09:00:00Z', remediatedAt: '2026-11-23T09:30:00Z' };
    const views = await clusterViews(undefined, [target], window);
    const b = withClusterView(
      target,
      { kind: 'ssm-command', error: 'Undeliverable' },
      views.get(target.id)!,
      new Date('2026-11-23T09:40:00Z'),
      window,
    );

    expect(b.incident).toEqual({
      at: '2026-11-23T09:00:00Z',
      remediatedAt: '2026-11-23T09:30:00Z',
    });
  });

  it('a cluster port that throws still leaves a record saying why', async () => {
    const cluster = {
      read: async () => {
        throw new Error('boom');
      },
    } as unknown as ClusterPort;
    const target = node as Target & { cluster: string };
    const views = await clusterViews(cluster, [target]);
    const b = withClusterView(
      target,
      { kind: 'ssm-command', error: 'InvalidInstanceId' },
      views.get(target.id)!,
      new Date(),
    );

    expect(b.sections['k8s.cluster']!.error).toMatch(/reading cluster shop-prod failed: boom/);
    expect(b.sections['collector.ssm']!.error).toBe('InvalidInstanceId');
  });
});

describe('Verify: what was not read is unknown, and unknown is not a pass', () => {
  it('an EKS target without cluster access gets an unknown state check; docker targets get none', async () => {
    const checks = await verifyClusterState(
      { evidence: noStore },
      [node, { id: 'i-0a1b2c3d4e5f60799', platform: 'docker' }],
      [],
      new Date(),
    );

    expect(checks).toEqual([
      expect.objectContaining({ target: node.id, status: 'unknown', observed: NO_CLUSTER_ACCESS }),
    ]);
  });

  it('the cluster port is asked with the diagnosis baseline (no diagnosis bundle: no baseline)', async () => {
    const calls: unknown[] = [];
    const cluster = {
      verify: async (...args: unknown[]) => {
        calls.push(args);
        return [{ description: `node ${NODE} is Ready`, status: 'passed', observed: 'Ready=True' }];
      },
    } as unknown as ClusterPort;
    const since = new Date('2026-11-23T09:10:00Z');

    const checks = await verifyClusterState({ evidence: noStore, cluster }, [node], [], since);

    expect(calls).toEqual([
      [{ cluster: 'shop-prod', node: NODE, instanceId: node.instanceId }, since, {}],
    ]);
    expect(checks).toEqual([
      {
        target: node.id,
        description: `node ${NODE} is Ready`,
        status: 'passed',
        observed: 'Ready=True',
      },
    ]);
  });

  it('an unknown check keeps the run from clearing, and says what could not be read', () => {
    const runbook = {
      id: 'node-not-ready',
      verify: { expectCleared: true, collect: ['k8s.node'], checks: [], description: '' },
    } as never;
    const d = decideVerification({
      runbook,
      matches: [{ target: node.id, runbookIds: [] }],
      uncollected: [],
      unknownChecks: [
        { target: node.id, description: 'Ready is True', observed: 'k8s.node not collected' },
      ],
    });

    expect(d).toMatchObject({
      cleared: false,
      reason: `could not verify: Ready is True (${node.id}: k8s.node not collected)`,
    });
  });
});

describe("a cluster in a spoke account: every cluster call carries the target's account and region", () => {
  const where = { account: '222222222222', region: 'us-east-2' };
  const spokeNode: Target = { ...node, ...where };

  it("Intake resolves a spoke alarm's Container Insights sets on the spoke's clusters, and its targets say where they are", async () => {
    const asked: unknown[] = [];
    const cluster = {
      resolve: async (...args: unknown[]) => {
        asked.push(args);
        return {
          targets: [
            {
              kind: 'node' as const,
              cluster: 'shop-prod',
              node: NODE,
              instanceId: node.instanceId,
            },
          ],
          unresolved: [],
        };
      },
    } as unknown as ClusterPort;

    const r = await resolveClusterDimensions(
      [{ ClusterName: 'shop-prod', NodeName: NODE }],
      cluster,
      where,
    );

    expect(asked).toEqual([[[{ ClusterName: 'shop-prod', NodeName: NODE }], where]]);
    expect(r.targets).toEqual([
      {
        id: node.instanceId,
        platform: 'eks',
        cluster: 'shop-prod',
        node: NODE,
        instanceId: node.instanceId,
        ...where,
      },
    ]);
  });

  it("Collect and Verify ask the cluster port with the target's account and region", async () => {
    const reads: unknown[] = [];
    const verifies: unknown[] = [];
    const cluster = {
      read: async (l: unknown[]) => {
        reads.push(...l);
        return l.map(() => ({ kind: 'kubernetes-api', error: 'unused' }));
      },
      verify: async (l: unknown) => {
        verifies.push(l);
        return [];
      },
    } as unknown as ClusterPort;

    await clusterViews(cluster, [spokeNode as Target & { cluster: string }]);
    await verifyClusterState({ evidence: noStore, cluster }, [spokeNode], [], new Date());

    expect(reads).toEqual([
      expect.objectContaining({ cluster: 'shop-prod', node: NODE, ...where }),
    ]);
    expect(verifies).toEqual([
      expect.objectContaining({ cluster: 'shop-prod', node: NODE, ...where }),
    ]);
  });
});
