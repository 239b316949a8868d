/** The local API server answers as kube-apiserver does, seen through @kubernetes/client-node. */
import { type ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { KubeClients } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { listAllPages } from '../../../lambdas/adapters/kubernetes/paged-list.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

let cluster: LocalCluster;
let c: KubeClients;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: ApiException<string>) => ({ code: e.code, body: JSON.parse(e.body) }),
  );

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('oom-killed-pod'), 'k8s-aws-v1.fidelity');
  c = await cluster.access.clients();
});
afterAll(() => cluster.stop());
beforeEach(() => cluster.server.load(loadScenario('oom-killed-pod')));

it("refuses an eviction its PodDisruptionBudget does not allow with the eviction subresource's Status", async () => {
  cluster.server.objects('poddisruptionbudgets').push({
    metadata: { name: 'reports-pdb', namespace: 'shop' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'reports' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
  });
  const pod = cluster.server
    .objects('pods')
    .find((p) => p.metadata.name === 'reports-6f5d4c3b2-k7j6h')!;
  expect(pod.metadata.labels.app).toBe('reports');
  const r = await failure(
    c.core.createNamespacedPodEviction({
      name: pod.metadata.name,
      namespace: 'shop',
      body: { metadata: { name: pod.metadata.name, namespace: 'shop' } },
    }),
  );
  expect(r).toEqual({
    code: 429,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget reports-pdb needs 1 healthy pods and has 1 currently',
          },
        ],
      },
      code: 429,
    },
  });
});

it('answers 410 Expired for a continue token older than a compaction, and the pager starts over', async () => {
  const first = await c.core.listNamespacedPod({ namespace: 'kube-system', limit: 1 });
  const token = first.metadata?._continue;
  expect(token).toBeTruthy();
  cluster.server.compact();
  const r = await failure(
    c.core.listNamespacedPod({ namespace: 'kube-system', limit: 1, _continue: token! }),
  );
  expect(r.code).toBe(410);
  expect(r.body).toMatchObject({
    reason: 'Expired',
    message: expect.stringMatching(/^The provided continue parameter is too old/),
  });
  let compacted = false;
  const all = await listAllPages(
    async (page) => {
      const out = await c.core.listNamespacedPod({ namespace: 'kube-system', ...page });
      if (!compacted) {
        compacted = true;
        cluster.server.compact();
      }
      return out;
    },
    { pageSize: 1 },
  );
  expect(all.items.map((p) => p.metadata?.name).sort()).toEqual(
    cluster.server
      .objects('pods')
      .filter((p) => p.metadata.namespace === 'kube-system')
      .map((p) => p.metadata.name)
      .sort(),
  );
});

it('answers 409 Conflict to a patch carrying a stale resourceVersion, 404 with the qualified resource name', async () => {
  const node = await c.core.readNode({ name: 'ip-10-0-1-23.eu-west-1.compute.internal' });
  const conflict = await failure(
    c.core.patchNode(
      {
        name: node.metadata!.name!,
        body: { metadata: { resourceVersion: '1' }, spec: { unschedulable: true } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
  );
  expect(conflict).toMatchObject({
    code: 409,
    body: {
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on nodes "${node.metadata!.name}": the object has been modified; please apply your changes to the latest version and try again`,
    },
  });
  const missing = await failure(
    c.apps.readNamespacedDaemonSet({ name: 'nope', namespace: 'shop' }),
  );
  expect(missing).toMatchObject({
    code: 404,
    body: {
      reason: 'NotFound',
      message: 'daemonsets.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'daemonsets' },
    },
  });
});

it("answers a denied verb with RBAC's 403 wording, namespaced and cluster-scoped", async () => {
  cluster.server.denied.add('create pods/eviction').add('list nodes');
  const evict = await failure(
    c.core.createNamespacedPodEviction({
      name: 'reports-6f5d4c3b2-k7j6h',
      namespace: 'shop',
      body: { metadata: { name: 'reports-6f5d4c3b2-k7j6h', namespace: 'shop' } },
    }),
  );
  expect(evict.body.message).toBe(
    `pods "reports-6f5d4c3b2-k7j6h" is forbidden: User "${cluster.server.user}" cannot create resource "pods/eviction" in API group "" in the namespace "shop"`,
  );
  const list = await failure(c.core.listNode({}));
  expect(list).toMatchObject({
    code: 403,
    body: {
      reason: 'Forbidden',
      message: `nodes is forbidden: User "${cluster.server.user}" cannot list resource "nodes" in API group "" at the cluster scope`,
    },
  });
});

it("selects events by involvedObject fields and refuses a field label the resource does not support, as kube-apiserver's field selectors do", async () => {
  const own = await c.core.listNamespacedEvent({
    namespace: 'shop',
    fieldSelector: 'involvedObject.name=reports-6f5d4c3b2-k7j6h,involvedObject.namespace=shop',
  });
  expect(own.items.map((e) => e.reason).sort()).toEqual(['BackOff', 'Pulled']);
  const notPulled = await c.core.listNamespacedEvent({
    namespace: 'shop',
    fieldSelector: 'involvedObject.name=reports-6f5d4c3b2-k7j6h,reason!=Pulled',
  });
  expect(notPulled.items.map((e) => e.reason)).toEqual(['BackOff']);
  const unsupported = await failure(
    c.core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'message=OOMKilled' }),
  );
  expect(unsupported).toEqual({
    code: 400,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'field label not supported: message',
      reason: 'BadRequest',
      code: 400,
    },
  });
});
