import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  kubernetesActionExecutors,
  type ExecutionContext,
} from '../../../lambdas/adapters/kubernetes/index.js';
import { apiRequest } from '../../../lambdas/adapters/kubernetes/executor.js';
import { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { ACTION_CATALOG } from '../../../lambdas/core/remediation/catalog.js';
import { FakeApiServer, makeCertificates, type Scenario } from './fake-api-server.js';
import { loadScenario, writeKubeconfig } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.executor-tests';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
let dir: string;
let server: FakeApiServer;
let access: KubeconfigAccess;

function workloadPod(name: string, extra: Record<string, unknown> = {}): Record<string, any> {
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
      ...extra,
    },
    spec: { nodeName: NODE, containers: [{ name: 'web', image: 'web:1' }] },
    status: { phase: 'Running' },
  };
}

function drainScenario(): Scenario {
  const sc = loadScenario('oom-killed-pod');
  sc.objects.pods = [
    ...(sc.objects.pods ?? []).filter(
      (p) => p.spec?.nodeName !== NODE || p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet',
    ),
    workloadPod('web-6d5c4b3a2-aaaaa'),
    workloadPod('web-6d5c4b3a2-bbbbb'),
    {
      ...workloadPod('kube-proxy-static'),
      metadata: {
        name: 'kube-proxy-static',
        namespace: 'kube-system',
        annotations: { 'kubernetes.io/config.mirror': 'abc' },
        ownerReferences: [{ kind: 'Node', name: NODE, controller: true }],
      },
    },
  ];
  return sc;
}

/** A policy/v1 budget over the web pods, as the disruption controller last computed it. */
function webBudget(disruptionsAllowed: number): Record<string, any> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web-pdb', namespace: 'shop' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    status: {
      disruptionsAllowed,
      currentHealthy: 2,
      desiredHealthy: 2 - disruptionsAllowed,
      expectedPods: 2,
      observedGeneration: 1,
    },
  };
}

/** A StatefulSet's pod on the node: its controller recreates it under the same name. */
function statefulPod(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid: `${name}-first`,
      labels: { app: 'db' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u2', controller: true },
      ],
    },
    spec: { nodeName: NODE, containers: [{ name: 'db', image: 'db:1' }] },
    status: { phase: 'Running' },
  };
}

/** A clock that only moves when the executor sleeps: retries and deadlines run instantly. */
function context(
  dryRun = false,
  requestTimeoutMs?: number,
): ExecutionContext & { slept: number[] } {
  let t = Date.parse('2026-11-23T09:00:00Z');
  const slept: number[] = [];
  return {
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    dryRun,
    kube: access,
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
    target: { node: NODE },
  };
}

const writes = () => server.requests.filter((r) => r.method !== 'GET');
const node = () => server.objects('nodes').find((n) => n.metadata.name === NODE)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-exec-'));
  const certs = makeCertificates();
  server = new FakeApiServer(certs, TOKEN, drainScenario());
  await server.start();
  writeKubeconfig(join(dir, 'kc'), server.url, certs.ca, TOKEN);
  access = new KubeconfigAccess(join(dir, 'kc'));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.load(drainScenario()));

describe('executor map', () => {
  it('covers every kubernetes and aws action of the catalogue', () => {
    const ids = Object.values(ACTION_CATALOG)
      .filter((a) => a.target === 'kubernetes' || a.target === 'aws')
      .map((a) => a.id)
      .sort();
    expect(Object.keys(kubernetesActionExecutors).sort()).toEqual(ids);
  });
});

describe('cordon / uncordon', () => {
  it('cordons with a merge patch, then reports nothing to do the second time', async () => {
    const first = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(),
    );
    expect(first.status).toBe('changed');
    expect(node().spec.unschedulable).toBe(true);
    expect(writes()).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: expect.any(String) }, spec: { unschedulable: true } },
      }),
    ]);
    const second = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(),
    );
    expect(second).toMatchObject({ status: 'unchanged', changes: [] });
    expect(writes()).toHaveLength(1);
  });

  it('dry run reads but writes nothing', async () => {
    const r = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(true),
    );
    expect(r).toMatchObject({ status: 'changed', dryRun: true });
    expect(writes()).toHaveLength(0);
  });

  it('uncordon of a schedulable node changes nothing', async () => {
    const r = await kubernetesActionExecutors['k8s-uncordon-node']!.execute(
      { node: NODE },
      context(),
    );
    expect(r.status).toBe('unchanged');
  });
});

describe('drain through the Eviction API', () => {
  it('cordons, evicts workload pods, skips DaemonSet and mirror pods', async () => {
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 120 },
      context(),
    );
    expect(r.status).toBe('changed');
    const evictions = writes()
      .filter((w) => w.path.endsWith('/eviction'))
      .map((w) => w.path);
    expect(evictions).toEqual([
      '/api/v1/namespaces/shop/pods/web-6d5c4b3a2-aaaaa/eviction',
      '/api/v1/namespaces/shop/pods/web-6d5c4b3a2-bbbbb/eviction',
    ]);
    expect(r.report).toMatch(/skipped .*aws-node-b7x2k \(DaemonSet-managed/);
    expect(r.report).toMatch(/kube-proxy-static \(mirror/);
    expect(node().spec.unschedulable).toBe(true);
    expect(writes().some((w) => w.method === 'DELETE')).toBe(false);
  });

  it('retries 429 throttling and 500 with backoff, then succeeds', async () => {
    server.evictions.set('shop/web-6d5c4b3a2-aaaaa', ['429-throttle', 500, '429-throttle']);
    const ctx = context();
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 120 },
      ctx,
    );
    expect(r.status).toBe('changed');
    expect(ctx.slept.slice(0, 3)).toEqual([1000, 2000, 4000]);
  });

  it('under a blocking PDB ends at the deadline with a clear report, never deletes, and uncordons', async () => {
    // One disruption allowed: the first web pod is evicted, the budget is then spent and refuses the second.
    server.objects('poddisruptionbudgets').push(webBudget(1));
    const ctx = context();
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 60 },
      ctx,
    );
    expect(r.status).toBe('failed');
    expect(r.report).toMatch(
      /PodDisruptionBudgets kept refusing the eviction of shop\/web-6d5c4b3a2-bbbbb until the 60s deadline; no pod was deleted/,
    );
    expect(r.report).toMatch(/uncordoned again/);
    expect(r.undone).toEqual([`node ${NODE}: spec.unschedulable true -> false`]);
    expect(node().spec.unschedulable).toBeUndefined();
    expect(writes().some((w) => w.method === 'DELETE')).toBe(false);
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(server.objects('pods').some((p) => p.metadata.name === 'web-6d5c4b3a2-bbbbb')).toBe(
      true,
    );
    expect(server.objects('pods').some((p) => p.metadata.name === 'web-6d5c4b3a2-aaaaa')).toBe(
      false,
    );
    expect(r.report).toMatch(
      /HTTP 429 TooManyRequests: Cannot evict pod as it would violate the pod's disruption budget\./,
    );
    expect(server.objects('poddisruptionbudgets')[0]!.status.disruptionsAllowed).toBe(0);
  });

  it('near its deadline the drain sends no eviction whose answer it could not wait for: what it reports evicted is what the server evicted', async () => {
    // No disruption allowed: the web pods hold the drain to its deadline; db-0 has no budget.
    server.objects('poddisruptionbudgets').push(webBudget(0));
    server.objects('pods').push(statefulPod('db-0'));
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 31 },
      context(),
    );
    expect(r.status).toBe('failed');
    const dbGone = !server.objects('pods').some((p) => p.metadata.name === 'db-0');
    const evictions = server.requests.filter(
      (q) => q.method === 'POST' && q.path.endsWith('/pods/db-0/eviction'),
    );
    if (dbGone) expect(r.report).toMatch(/\b1 pod\(s\) were evicted/);
    else {
      expect(evictions).toHaveLength(0);
      expect(r.report).toMatch(
        /shop\/db-0: evict pod shop\/db-0: not sent, the action's deadline had passed/,
      );
    }
  });

  it('an eviction carried out whose every answer was lost is confirmed from the pod itself, not reported failed', async () => {
    server.objects('pods').push(statefulPod('db-0'));
    server.recreatedByController.add('shop/db-0');
    server.answerLost.set('POST /api/v1/namespaces/shop/pods/db-0/eviction', 10);
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 600 },
      context(false, 200),
    );
    expect(r.status).toBe('changed');
    expect(r.report).toMatch(/evicted 3 pod\(s\)/);
    expect(node().spec.unschedulable).toBe(true);
  });

  it('a request is not sent within 2 s of its deadline; one with the time is', async () => {
    const ctx = context();
    const now = ctx.clock.now().getTime();
    let sent = 0;
    const work = async () => ++sent;
    await expect(apiRequest(ctx, 'evict pod shop/x', work, now + 1_999)).rejects.toThrow(
      "evict pod shop/x: not sent, the action's deadline had passed",
    );
    expect(sent).toBe(0);
    await expect(apiRequest(ctx, 'evict pod shop/x', work, now + 5_000)).resolves.toBe(1);
  });

  it('drains once the budget allows it again (the workload became healthy mid-drain)', async () => {
    const pdb = webBudget(0);
    server.objects('poddisruptionbudgets').push(pdb);
    const ctx = context();
    // The PDB controller raises disruptionsAllowed again after the first backoff.
    const sleep = ctx.sleep!;
    const withRecovery: ExecutionContext = {
      ...ctx,
      sleep: async (ms) => {
        pdb.status.disruptionsAllowed = 2;
        await sleep(ms);
      },
    };
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 120 },
      withRecovery,
    );
    expect(r.status).toBe('changed');
    expect(ctx.slept[0]).toBe(1000);
    expect(pdb.status.disruptionsAllowed).toBe(0);
  });

  it('cordons on a fresh resourceVersion after a 409 from a concurrent writer', async () => {
    server.concurrentWrites = 1;
    const r = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(),
    );
    expect(r.status).toBe('changed');
    expect(node().spec.unschedulable).toBe(true);
    const patches = writes().filter((w) => w.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(
      server.requests.filter((q) => q.method === 'GET' && q.path.endsWith(`/nodes/${NODE}`)),
    ).toHaveLength(2);
  });

  it("gives up after repeated 409s with the server's Conflict message", async () => {
    server.concurrentWrites = 10;
    const r = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(),
    );
    expect(r.status).toBe('failed');
    expect(r.report).toMatch(
      /HTTP 409 Conflict: Operation cannot be fulfilled on nodes ".*": the object has been modified/,
    );
  });

  it('leaves a node it did not cordon cordoned when the drain fails', async () => {
    node().spec.unschedulable = true;
    server.evictions.set('shop/web-6d5c4b3a2-aaaaa', [500, 500, 500, 500]);
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 60 },
      context(),
    );
    expect(r.status).toBe('failed');
    expect(r.report).toMatch(/HTTP 500 InternalError/);
    expect(r.undone).toEqual([]);
    expect(node().spec.unschedulable).toBe(true);
  });

  it('a StatefulSet pod recreated under its name (a new uid) counts as gone: the drain finishes at once and the node stays cordoned', async () => {
    server.objects('pods').push(statefulPod('db-0'));
    server.recreatedByController.add('shop/db-0');
    const ctx = context();
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 600 },
      ctx,
    );
    expect(r.status).toBe('changed');
    expect(r.report).toMatch(/evicted 3 pod\(s\)/);
    expect(node().spec.unschedulable).toBe(true);
    // The successor holds the name, unscheduled: the drain did not wait on it.
    const successor = server.objects('pods').find((p) => p.metadata.name === 'db-0')!;
    expect(successor.status.phase).toBe('Pending');
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
  });

  it("an eviction whose answer was lost is sent again for the planned pod only: the StatefulSet's successor under the same name is left alone", async () => {
    server.objects('pods').push(statefulPod('db-0'));
    server.recreatedByController.add('shop/db-0');
    server.evictions.set('shop/db-0', ['evicted-then-500']);
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 600 },
      context(),
    );
    expect(r.status).toBe('changed');
    const evictions = server.requests.filter(
      (q) => q.method === 'POST' && q.path === '/api/v1/namespaces/shop/pods/db-0/eviction',
    );
    expect(evictions).toHaveLength(2);
    // The retry names the evicted instance; the successor the controller made is still there.
    const planned = (evictions[0]!.body as any).deleteOptions.preconditions.uid;
    expect((evictions[1]!.body as any).deleteOptions.preconditions.uid).toBe(planned);
    const successors = server.objects('pods').filter((p) => p.metadata.name === 'db-0');
    expect(successors).toHaveLength(1);
    expect(successors[0]!.metadata.uid).not.toBe(planned);
    expect(successors[0]!.status.phase).toBe('Pending');
  });

  it('refuses before any change when an unmanaged pod is on the node', async () => {
    server.objects('pods').push({
      ...workloadPod('debug-shell'),
      metadata: { name: 'debug-shell', namespace: 'shop' },
    });
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute({ node: NODE }, context());
    expect(r.status).toBe('blocked');
    expect(r.report).toMatch(/shop\/debug-shell: not managed by a controller/);
    expect(writes()).toHaveLength(0);
  });
});

describe('every API request of an action has a timeout (a connection that never answers)', () => {
  const EVICT_A = 'POST /api/v1/namespaces/shop/pods/web-6d5c4b3a2-aaaaa/eviction';

  it('an eviction that gets no answer is abandoned at the request timeout and sent again; the drain finishes', async () => {
    server.unanswered.set(EVICT_A, 1);
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 120 },
      context(false, 200),
    );
    expect(r.status).toBe('changed');
    expect(server.requests.filter((q) => `${q.method} ${q.path}` === EVICT_A)).toHaveLength(2);
    expect(node().spec.unschedulable).toBe(true);
  });

  it('evictions that never answer end the drain well before the Lambda is killed, and the node is uncordoned', async () => {
    server.unanswered.set(EVICT_A, 100);
    const started = Date.now();
    const r = await kubernetesActionExecutors['k8s-drain-node']!.execute(
      { node: NODE, timeoutSeconds: 120 },
      context(false, 200),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.status).toBe('failed');
    expect(r.report).toMatch(/evict pod shop\/web-6d5c4b3a2-aaaaa timed out after 200 ms/);
    expect(r.report).toMatch(/uncordoned again/);
    expect(node().spec.unschedulable).toBeUndefined();
  });

  it('cordon, pod delete and rollout restart each fail at the timeout, saying a write may have happened', async () => {
    server.unanswered.set(`GET /api/v1/nodes/${NODE}`, 1);
    const cordon = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
      { node: NODE },
      context(false, 200),
    );
    expect(cordon).toMatchObject({ status: 'failed' });
    expect(cordon.report).toMatch(
      /could not read node .* timed out after 200 ms\); nothing changed/,
    );

    server.unanswered.set('DELETE /api/v1/namespaces/shop/pods/', 1);
    const del = await kubernetesActionExecutors['k8s-delete-pod']!.execute(
      { namespace: 'shop', pod: 'web-6d5c4b3a2-aaaaa' },
      context(false, 200),
    );
    expect(del.status).toBe('failed');
    expect(del.report).toMatch(
      /delete pod shop\/web-6d5c4b3a2-aaaaa timed out after 200 ms\); no answer came, so the change may have been made: check with "kubectl get pod -n shop web-6d5c4b3a2-aaaaa"/,
    );

    server.unanswered.set('PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns', 1);
    const restart = await kubernetesActionExecutors['k8s-restart-coredns']!.execute(
      {},
      context(false, 200),
    );
    expect(restart.status).toBe('failed');
    expect(restart.report).toMatch(/timed out after 200 ms\); no answer came/);
  });
});

describe('pods and workloads', () => {
  it('deletes a managed pod, and finds nothing to do once it is gone', async () => {
    const exec = kubernetesActionExecutors['k8s-delete-pod']!;
    expect(
      (await exec.execute({ namespace: 'shop', pod: 'web-6d5c4b3a2-aaaaa' }, context())).status,
    ).toBe('changed');
    expect(
      (await exec.execute({ namespace: 'shop', pod: 'web-6d5c4b3a2-aaaaa' }, context())).status,
    ).toBe('unchanged');
  });

  it('rollout-restarts CoreDNS with the restartedAt annotation, once', async () => {
    const exec = kubernetesActionExecutors['k8s-restart-coredns']!;
    const r = await exec.execute({}, context());
    expect(r.status).toBe('changed');
    const patch = writes().find((w) => w.method === 'PATCH')!;
    expect(patch.path).toBe('/apis/apps/v1/namespaces/kube-system/deployments/coredns');
    expect(patch.body).toEqual({
      metadata: { resourceVersion: expect.any(String) },
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-23T09:00:00.000Z' },
          },
        },
      },
    });
    expect((await exec.execute({}, context())).status).toBe('unchanged');
  });

  it('rollout restart re-reads and retries on a 409 Conflict', async () => {
    server.concurrentWrites = 1;
    const r = await kubernetesActionExecutors['k8s-restart-coredns']!.execute({}, context());
    expect(r).toMatchObject({ status: 'changed' });
    expect(r.report).toMatch(/after 1 conflict/);
    expect(writes().filter((w) => w.method === 'PATCH')).toHaveLength(2);
  });

  it('reports a missing workload as failed without writing', async () => {
    const r = await kubernetesActionExecutors['k8s-rollout-restart']!.execute(
      { namespace: 'shop', kind: 'Deployment', name: 'nope' },
      context(),
    );
    expect(r.status).toBe('failed');
    expect(r.report).toMatch(/HTTP 404 NotFound: deployments.apps "nope" not found/);
    expect(writes()).toHaveLength(0);
  });
});
