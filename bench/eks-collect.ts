/**
 * EKS collection benchmark: the Kubernetes half of Collect for an alarm covering many pods of one
 * cluster, against the local HTTPS API server answering after a simulated network round trip.
 * The baseline, measured in the same run, is the read as Collect made it before: one port call per
 * target, one after another, each reading the cluster-wide part (readyz, version, every node,
 * CoreDNS) again. Collect now reads the targets of one command (up to 50) in one call: the
 * cluster-wide part once per call, the targets' own parts a few at a time.
 */
import { loadScenario } from '../test/integration/kubernetes/scenario-loader.js';
import { startLocalCluster } from '../test/integration/kubernetes/local-cluster.js';
import { KubernetesClusterPort } from '../lambdas/adapters/kubernetes/cluster-port.js';
import type { ClusterLocation } from '../lambdas/core/workflow/ports.js';
import type { Scenario } from '../test/integration/kubernetes/fake-api-server.js';

const TARGETS = 200;
/** Targets per collector command (SSM's 50 instance ids per SendCommand). */
const PER_COMMAND = 50;
const LATENCY_MS = 10;
const TOKEN = 'bench-token';

/** The base cluster with TARGETS more nodes, each running one crashing shop pod (the alarm's targets). */
function fleetScenario(): Scenario {
  const base = loadScenario('probe-failure-liveness');
  const node = base.objects.nodes![0]!;
  const pod = base.objects.pods!.find((p) => p.metadata.namespace === 'shop')!;
  const nodes = Array.from({ length: TARGETS }, (_, i) => {
    const copy = structuredClone(node);
    copy.metadata.name = `ip-10-1-${Math.floor(i / 250)}-${i % 250}.eu-west-1.compute.internal`;
    return copy;
  });
  const pods = nodes.map((n, i) => {
    const copy = structuredClone(pod);
    copy.metadata.name = `reports-6f5d4c3b2-b${String(i).padStart(4, '0')}`;
    copy.spec = { ...copy.spec, nodeName: n.metadata.name };
    return copy;
  });
  return {
    ...base,
    objects: {
      ...base.objects,
      nodes: [...base.objects.nodes!, ...nodes],
      pods: [...base.objects.pods!, ...pods],
    },
  };
}

export async function run(): Promise<void> {
  const scenario = fleetScenario();
  const cluster = await startLocalCluster(scenario, TOKEN);
  try {
    const port = new KubernetesClusterPort({
      accessFor: () => cluster.access,
      clock: { now: () => new Date() },
    });
    const targets: ClusterLocation[] = scenario.objects
      .pods!.filter((p) => p.metadata.name.startsWith('reports-6f5d4c3b2-b'))
      .map((p) => ({ cluster: 'shop-prod', namespace: 'shop', pod: p.metadata.name as string }));
    const measure = async (read: () => Promise<unknown>) => {
      cluster.server.load(scenario);
      cluster.server.latencyMs = LATENCY_MS;
      const t = performance.now();
      await read();
      const nodeLists = cluster.server.requests.filter((r) =>
        /^\/api\/v1\/nodes(\?|$)/.test(r.path),
      ).length;
      return { ms: performance.now() - t, requests: cluster.server.requests.length, nodeLists };
    };
    const oneAtATime = await measure(async () => {
      for (const t of targets) await port.read([t]);
    });
    const perCommand = await measure(async () => {
      for (let i = 0; i < targets.length; i += PER_COMMAND)
        await port.read(targets.slice(i, i + PER_COMMAND));
    });
    console.log(
      `Kubernetes view of ${TARGETS} pod targets on one ${scenario.objects.nodes!.length}-node cluster (local API server, ${LATENCY_MS} ms per answer):`,
    );
    for (const [name, r] of [
      ['one target at a time (before)', oneAtATime],
      [`${PER_COMMAND} per call (Collect)`, perCommand],
    ] as const)
      console.log(
        `  ${name.padEnd(30)} ${(r.ms / 1000).toFixed(1).padStart(5)} s, ${String(r.requests).padStart(5)} API requests, node list read ${r.nodeLists}x`,
      );
    console.log(
      `  per call / before: ${(perCommand.ms / oneAtATime.ms).toFixed(2)}x the time, ${(perCommand.requests / oneAtATime.requests).toFixed(2)}x the requests (at 1,000 targets Collect has 825 s)`,
    );
  } finally {
    await cluster.stop();
  }
}
