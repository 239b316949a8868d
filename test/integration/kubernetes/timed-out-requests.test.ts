import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterReader } from '../../../lambdas/adapters/kubernetes/cluster-reader.js';
import {
  kubernetesActionExecutors,
  type ExecutionContext,
} from '../../../lambdas/adapters/kubernetes/index.js';
import { KubernetesStateReader } from '../../../lambdas/adapters/kubernetes/state-reader.js';
import { KubernetesTargetLookup } from '../../../lambdas/adapters/kubernetes/target-lookup.js';
import type { FakeApiServer } from './fake-api-server.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { loadScenario } from './scenario-loader.js';

// A request that times out is aborted, not abandoned: its connection closes when the timeout
// fires, so no answer is still downloaded and parsed, and a write is cancelled where it still can be.

const TOKEN = 'k8s-aws-v1.timed-out-requests';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const TIMEOUT_MS = 200;
/** Far above an abort's close (a few ms), far below "never": an abandoned request stays open until the server stops. */
const CLOSE_BOUND_MS = 3_000;

let cluster: LocalCluster;
let server: FakeApiServer;

beforeAll(async () => {
  cluster = await startLocalCluster(loadScenario('oom-killed-pod'), TOKEN);
  server = cluster.server;
});
afterAll(() => cluster.stop());
beforeEach(() => server.load(loadScenario('oom-killed-pod')));

/** When the unanswered request's connection closed (epoch ms), or undefined if still open after `ms`. */
async function closedWithin(ms: number): Promise<number | undefined> {
  const [hang] = server.hung;
  if (!hang) throw new Error('no request was left unanswered: the test hung the wrong path');
  let bound: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      hang.closed,
      new Promise<undefined>((resolve) => {
        bound = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(bound);
  }
}

/** Runs `work` against a server that never answers `request`; the connection must close within the bound. */
async function expectAborted(request: string, work: () => Promise<unknown>): Promise<void> {
  server.unanswered.set(request, 1);
  await work();
  const closedAt = await closedWithin(CLOSE_BOUND_MS);
  expect(closedAt, `${request}: connection still open ${CLOSE_BOUND_MS} ms later`).toBeDefined();
}

function actionContext(): ExecutionContext {
  let t = Date.parse('2026-11-23T09:00:00Z');
  return {
    requestTimeoutMs: TIMEOUT_MS,
    dryRun: false,
    kube: cluster.access,
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      t += ms;
    },
    target: { node: NODE },
  };
}

describe('a Kubernetes API request that times out is aborted: its connection closes', () => {
  it('an action request (cordon reading the node)', async () => {
    await expectAborted(`GET /api/v1/nodes/${NODE}`, async () => {
      const r = await kubernetesActionExecutors['k8s-cordon-node']!.execute(
        { node: NODE },
        actionContext(),
      );
      expect(r.report).toMatch(/timed out after 200 ms/);
    });
  });

  it('a write (a pod delete): it is cancelled, not left to land later', async () => {
    await expectAborted('DELETE /api/v1/namespaces/', async () => {
      const [pod] = server.objects('pods');
      const r = await kubernetesActionExecutors['k8s-delete-pod']!.execute(
        { namespace: pod!.metadata.namespace, pod: pod!.metadata.name },
        actionContext(),
      );
      expect(r.report).toMatch(/timed out after 200 ms/);
    });
  });

  it("node-replace's node list (the action has a timeout too)", async () => {
    await expectAborted('GET /api/v1/nodes', async () => {
      const r = await kubernetesActionExecutors['node-replace']!.execute(
        { node: NODE },
        // Never called: the node list comes first and does not answer.
        { ...actionContext(), autoScaling: new AutoScalingClient({ region: 'eu-west-1' }) },
      );
      expect(r.report).toMatch(/could not list nodes .*timed out after 200 ms/);
    });
  });

  it("Verify's re-read of a node", async () => {
    await expectAborted(`GET /api/v1/nodes/${NODE}`, async () => {
      const reader = new KubernetesStateReader(() => cluster.access, TIMEOUT_MS);
      const [ready] = await reader.verify({ cluster: 'shop-prod', node: NODE }, new Date());
      expect(ready!.status).toBe('unknown');
    });
  });

  it("Intake's read of an alarm's node", async () => {
    await expectAborted(`GET /api/v1/nodes/${NODE}`, async () => {
      const lookup = new KubernetesTargetLookup(() => cluster.access, TIMEOUT_MS);
      await lookup.resolve([{ ClusterName: 'shop-prod', NodeName: NODE }]);
    });
  });

  const reader = (options: { requestTimeoutMs: number; listTimeoutMs?: number }) =>
    new ClusterReader(cluster.access, { clock: { now: () => new Date() }, ...options });

  it("the incident view's read, and its raw GET /readyz", async () => {
    await expectAborted(`GET /api/v1/nodes/${NODE}`, () =>
      reader({ requestTimeoutMs: TIMEOUT_MS }).collect({ cluster: 'shop-prod', node: NODE }),
    );
    server.load(loadScenario('oom-killed-pod'));
    await expectAborted('GET /readyz', () =>
      reader({ requestTimeoutMs: TIMEOUT_MS }).collect({ cluster: 'shop-prod', node: NODE }),
    );
  });

  it("a list's page in flight when the whole list's time runs out", async () => {
    // The page's own timeout is far off: only the list's timeout can end it.
    await expectAborted('GET /api/v1/pods', async () => {
      const b = await reader({ requestTimeoutMs: 60_000, listTimeoutMs: TIMEOUT_MS }).collect({
        cluster: 'shop-prod',
        node: NODE,
      });
      expect(b.sections['k8s.node']!.error).toMatch(/timed out after 200 ms/);
    });
  });
});
