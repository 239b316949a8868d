import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesActionExecutors } from '../../../lambdas/adapters/kubernetes/index.js';
import type { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { KubernetesStepExecutor } from '../../../lambdas/adapters/kubernetes/workflow-executor.js';
import type { PlannedStep, StepOutcome, Target } from '../../../lambdas/core/workflow/model.js';
import type { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.workflow-executor';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
let server: FakeApiServer;
let access: KubeconfigAccess;

/** The workflow's executor port, from the workflow model: the adapter must fit it as is. */
interface ExecutorPort {
  execute(
    step: PlannedStep,
    targets: readonly Target[],
    context: { readonly executionId: string },
  ): Promise<readonly StepOutcome[]>;
}

function executor(dryRun = false): ExecutorPort & { slept: number[] } {
  let t = Date.parse('2026-11-23T09:00:00Z');
  const slept: number[] = [];
  const e: ExecutorPort = new KubernetesStepExecutor({
    executors: kubernetesActionExecutors,
    accessFor: () => access,
    dryRun,
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  });
  return Object.assign(e, { slept });
}

const target: Target = {
  id: 'i-0a1b2c3d4e5f60701',
  platform: 'eks',
  instanceId: 'i-0a1b2c3d4e5f60701',
  cluster: 'shop-prod',
  node: NODE,
};
const step = (action: string, parameters: Record<string, string> = {}): PlannedStep => ({
  index: 0,
  action,
  title: action,
  actionTarget: 'kubernetes',
  risk: 'risky',
  mutates: true,
  invocations: [{ target: target.id, parameters }],
});

function webPod(name: string): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'web' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-6d5c4b3a2',
          uid: 'u1',
          controller: true,
        },
      ],
    },
    spec: { nodeName: NODE, containers: [{ name: 'web', image: 'web:1' }] },
    status: { phase: 'Running' },
  };
}

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('node-disk-pressure-node'), TOKEN);
  ({ server, access } = cluster);
});
afterAll(() => cluster.stop());
beforeEach(() => {
  server.load(loadScenario('node-disk-pressure-node'));
  server.objects('pods').push(webPod('web-6d5c4b3a2-aaaaa'), webPod('web-6d5c4b3a2-bbbbb'));
  server.objects('poddisruptionbudgets').push({
    metadata: { name: 'web-pdb', namespace: 'shop' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
  });
});

describe('Kubernetes actions behind the workflow executor port', () => {
  it('cordons the target node and reports the change', async () => {
    const [o] = await executor().execute(step('k8s-cordon-node'), [target], {
      executionId: 'exec-1',
    });
    expect(o).toMatchObject({
      step: 0,
      action: 'k8s-cordon-node',
      target: target.id,
      status: 'succeeded',
      changes: [`node ${NODE}: spec.unschedulable false -> true`],
    });
    expect(o!.detail).toMatch(/^changed: cordoned node/);
  });

  it('drains within the PDB: text parameters become numbers, the spent budget fails the step at its deadline', async () => {
    const e = executor();
    const [o] = await e.execute(step('k8s-drain-node', { timeoutSeconds: '45' }), [target], {
      executionId: 'exec-2',
    });
    expect(o!.status).toBe('failed');
    expect(o!.detail).toMatch(
      /PodDisruptionBudgets kept refusing the eviction of shop\/web-6d5c4b3a2-\w+ until the 45s deadline/,
    );
    expect(e.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(45_000);
    expect((o as { changes?: string[] }).changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^evicted pod shop\/web-/),
        `undone: node ${NODE}: spec.unschedulable true -> false`,
      ]),
    );
  });

  it('drains fully when the budget allows every eviction', async () => {
    server.objects('poddisruptionbudgets')[0]!.status.disruptionsAllowed = 2;
    const [o] = await executor().execute(
      step('k8s-drain-node', { timeoutSeconds: '60' }),
      [target],
      { executionId: 'exec-3' },
    );
    expect(o).toMatchObject({ status: 'succeeded' });
    expect(server.objects('pods').filter((p) => p.metadata.labels?.app === 'web')).toHaveLength(0);
  });

  it('dry run changes nothing and says what it would do', async () => {
    const [o] = await executor(true).execute(step('k8s-drain-node'), [target], {
      executionId: 'exec-4',
    });
    expect(o!.detail).toMatch(/^changed \(dry run\): dry run: would drain/);
    expect(server.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('a guard refusal fails the step; a target without a cluster or an unknown action fails with the reason', async () => {
    server
      .objects('pods')
      .push({ ...webPod('debug'), metadata: { name: 'debug', namespace: 'shop' } });
    const [blocked] = await executor().execute(step('k8s-drain-node'), [target], {
      executionId: 'e',
    });
    expect(blocked).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^blocked: drain of .* refused before any change/),
    });
    const [noCluster] = await executor().execute(
      step('k8s-cordon-node'),
      [{ id: 'i-1', platform: 'eks', node: NODE }],
      { executionId: 'e' },
    );
    expect(noCluster!.detail).toMatch(/names no EKS cluster/);
    const [unknown] = await executor().execute(step('docker-prune-images'), [target], {
      executionId: 'e',
    });
    expect(unknown!.detail).toMatch(/no Kubernetes or AWS executor for action docker-prune-images/);
  });

  it('a missing parameter is a failed outcome, not an exception', async () => {
    const [o] = await executor().execute(
      step('k8s-rollout-restart', { namespace: 'shop', kind: 'Deployment' }),
      [target],
      { executionId: 'e' },
    );
    expect(o).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(
        /ActionParameterError: action k8s-rollout-restart: parameter name is required/,
      ),
    });
  });
});
