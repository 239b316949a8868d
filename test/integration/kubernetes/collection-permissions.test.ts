/**
 * The collection role's RBAC is rendered from COLLECTION_KUBERNETES_PERMISSIONS. This runs every
 * reader (incident evidence for a node and for a pod, target lookup, Verify's state reader) against
 * the local API server and checks the requests stay within that list and use all of it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubernetesIncidentEvidence } from '../../../lambdas/adapters/kubernetes/incident-evidence.js';
import { KubernetesStateReader } from '../../../lambdas/adapters/kubernetes/state-reader.js';
import { KubernetesTargetLookup } from '../../../lambdas/adapters/kubernetes/target-lookup.js';
import { COLLECTION_KUBERNETES_PERMISSIONS } from '../../../lambdas/core/kubernetes/read-permissions.js';
import type { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { rbacOf } from './rbac-of.js';
import { loadScenario } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.collection-permissions';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
let server: FakeApiServer;

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('oom-killed-pod'), TOKEN);
  server = cluster.server;
});
afterAll(() => cluster.stop());

it('the readers use exactly the declared collection verbs (plus the public /readyz and /version)', async () => {
  const { access } = cluster;
  const clock = { now: () => new Date('2026-11-23T09:00:00Z') };
  const evidence = new KubernetesIncidentEvidence(() => access, { clock });
  await evidence.collect([{ cluster: 'shop-prod', node: NODE }]);
  await evidence.collect([
    { cluster: 'shop-prod', namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
  ]);
  await new KubernetesTargetLookup(() => access).resolve([
    { ClusterName: 'shop-prod', NodeName: NODE },
    { ClusterName: 'shop-prod', Namespace: 'shop', PodName: 'reports' },
  ]);
  await new KubernetesStateReader(() => access).verify(
    { cluster: 'shop-prod', node: NODE, namespace: 'shop', pod: 'reports-6f5d4c3b2-gone0' },
    clock.now(),
  );
  const used = new Set(server.requests.map(rbacOf));
  expect([...used].filter((u) => u.startsWith('GET /')).sort()).toEqual([
    'GET /readyz',
    'GET /version',
  ]);
  expect([...used].filter((u) => !u.startsWith('GET /')).sort()).toEqual(
    [...COLLECTION_KUBERNETES_PERMISSIONS].sort(),
  );
});
