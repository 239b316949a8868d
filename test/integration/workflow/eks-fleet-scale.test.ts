/**
 * A cluster-wide failure at 1,000 EKS nodes through the synthesized state machine with the real
 * steps (dynalite, s3rver, the cluster port against the local HTTPS API server): the Container
 * Insights `cluster_failed_node_count` alarm (ClusterName only) of a cluster whose 1,000 nodes went
 * NotReady at once. Only the nodes' SSM side is simulated (each collector prints the recorded
 * NotReady node). What must hold at that size:
 * - Intake targets every failing node, from one paged node list, and no healthy one;
 * - Collect joins each node's SSM evidence with its own `k8s.*` view, reading what is cluster-wide
 *   once per collector command (50 targets), not once per target;
 * - the execution state stays under 64 KiB at every transition (256 KiB ends a run uncatchably);
 * - the diagnosis is node-not-ready, and nothing is drained: the runbook's guard (maxTargets 1)
 *   hands a fleet-wide failure to a person; every lock is released.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { KubernetesClusterPort } from '../../../lambdas/adapters/kubernetes/cluster-port.js';
import {
  jsonBytes,
  loadReferencedState,
} from '../../../lambdas/core/workflow/state-by-reference.js';
import { RESULT_PATHS } from '../../../cdk/workflow/workflow-definition.js';
import type { WorkflowTaskName } from '../../../lambdas/core/workflow/task-names.js';
import type { Scenario as ApiScenario } from '../kubernetes/fake-api-server.js';
import { startLocalCluster, type LocalCluster } from '../kubernetes/local-cluster.js';
import { loadScenario } from '../kubernetes/scenario-loader.js';
import { EksNodeFleet } from './eks-node-fleet.js';
import { scenario, startInfra, type LocalInfra } from './harness.js';

const TOKEN = 'k8s-aws-v1.eks-fleet-scale';
const ALARMS = join(REPO_ROOT, 'test', 'fixtures', 'alarms');
const FAILING = 1000;
const HEALTHY = 5;
/** SSM's instance ids per SendCommand: Collect reads the cluster view one command's targets at a time. */
const PER_COMMAND = 50;

const instanceOf = (i: number) => `i-${(0x20000000000 + i).toString(16).padStart(17, '0')}`;
const nameOf = (i: number) =>
  `ip-10-2-${Math.floor(i / 250)}-${i % 250}.eu-west-1.compute.internal`;

/** The recorded NotReady (PLEG) cluster (its node and the base cluster's healthy ones) with FAILING - 1 more nodes whose kubelet stopped posting status and HEALTHY more Ready. */
function clusterWideFailure(): ApiScenario {
  const base = loadScenario('node-not-ready-pleg');
  const notReady = (n: any) =>
    n.status.conditions.some((c: any) => c.type === 'Ready' && c.status !== 'True');
  const template = base.objects.nodes!.find(notReady)!;
  const nodes = Array.from({ length: FAILING - 1 + HEALTHY }, (_, i) => {
    const copy = structuredClone(template);
    copy.metadata.name = nameOf(i);
    copy.spec.providerID = `aws:///eu-west-1a/${instanceOf(i)}`;
    copy.status.conditions = copy.status.conditions.map((c: any) =>
      i >= FAILING - 1
        ? c.type === 'Ready'
          ? { ...c, status: 'True', reason: 'KubeletReady' }
          : c
        : // A kubelet hung on its runtime stops posting status: the node lifecycle controller marks
          // every condition Unknown, which is what cluster_failed_node_count counts.
          {
            ...c,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
          },
    );
    return copy;
  });
  return { ...base, objects: { ...base.objects, nodes: [...base.objects.nodes!, ...nodes] } };
}

let infra: LocalInfra;
let cluster: LocalCluster;
beforeAll(async () => {
  infra = await startInfra();
  cluster = await startLocalCluster(clusterWideFailure(), TOKEN);
});
afterAll(async () => {
  await cluster?.stop();
  await infra?.stop();
});

describe('a cluster-wide NotReady at 1,000 EKS nodes through the synthesized workflow', () => {
  it('targets every failing node, collects each with its own view inside the step, keeps the state small, and drains nothing', async () => {
    const server = cluster.server;
    server.load(clusterWideFailure());
    // Pages as kube-apiserver serves a large list (the client asks for 500 a page).
    server.maxPageSize = 500;
    const accessFor = () => cluster.access;
    const fleet = new EksNodeFleet(() => server);
    const failing = server
      .objects('nodes')
      .filter((n) =>
        n.status.conditions.some((c: any) => c.type === 'Ready' && c.status !== 'True'),
      );
    expect(failing).toHaveLength(FAILING);
    for (const n of failing)
      fleet.nodes.set(n.spec.providerID.split('/').pop(), {
        evidence: 'node-not-ready-pleg.json',
        healthy: false,
        name: n.metadata.name,
        repair: () => undefined,
      });

    let largest = { bytes: 0, at: 'input' };
    // When each Task ended and how many API requests had been made by then (a step's share is the difference).
    const ends: { task: string; at: number; requests: number }[] = [];
    const s = await scenario(infra, {
      config: { eksClusters: ['shop-prod'] },
      ports: {
        commands: fleet,
        cluster: new KubernetesClusterPort({
          accessFor,
          clock: { now: () => new Date() },
          requestTimeoutMs: 30_000,
        }),
      },
      onTask: (task, raw, output) => {
        ends.push({ task, at: performance.now(), requests: server.requests.length });
        const state = (raw as { state: Record<string, unknown> }).state;
        const after = jsonBytes({
          ...state,
          [RESULT_PATHS[task as WorkflowTaskName].slice(2)]: output,
        });
        for (const [bytes, at] of [
          [jsonBytes(state), `${task} input`],
          [after, `${task} output`],
        ] as const)
          if (bytes > largest.bytes) largest = { bytes, at };
      },
    });
    const started = performance.now();
    const run = await s.execute(
      JSON.parse(readFileSync(join(ALARMS, 'eks-cluster-failed-nodes.json'), 'utf8')),
    );
    const seconds = (performance.now() - started) / 1000;

    // Lists of the cluster's nodes begun (first pages: a later page carries `continue`).
    const nodeLists = (from: number, to: number) =>
      server.requests
        .slice(from, to)
        .filter((r) => /^\/api\/v1\/nodes(\?|$)/.test(r.path) && !r.path.includes('continue='))
        .length;
    const intake = ends.find((e) => e.task === 'Intake')!;
    const collectIndex = ends.findIndex((e) => e.task === 'Collect');
    const collect = ends[collectIndex]!;
    const beforeCollect = ends[collectIndex - 1]!;
    const collectRequests = collect.requests - beforeCollect.requests;
    console.log(
      `${FAILING} failing EKS nodes through the workflow: ${seconds.toFixed(1)} s in all; Intake ${intake.requests} API requests (node lists ${nodeLists(0, intake.requests)}); Collect ${((collect.at - beforeCollect.at) / 1000).toFixed(1)} s, ${collectRequests} API requests (${(collectRequests / FAILING).toFixed(2)} a target, node lists ${nodeLists(beforeCollect.requests, collect.requests)}); largest state ${(largest.bytes / 1024).toFixed(1)} KiB (at ${largest.at})`,
    );
    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    const state = run.state;
    expect(state.intake.counts.targets).toBe(FAILING);
    expect(state.classification.runbookId).toBe('node-not-ready');
    expect(state.plan.decision).toBe('escalate');
    expect(state.plan.reason).toMatch(`${FAILING} targets exceed maxTargets 1`);
    expect(state.completion.outcome).toBe('escalated');
    expect(largest.bytes).toBeLessThan(64 * 1024);
    // Intake: one paged list of the nodes (500 a page), and nothing else.
    expect(nodeLists(0, intake.requests)).toBe(1);
    expect(intake.requests).toBe(Math.ceil(server.objects('nodes').length / 500));
    // Collect: the cluster-wide reads once per command of 50 targets, each target's own reads once.
    const commands = FAILING / PER_COMMAND;
    expect(nodeLists(beforeCollect.requests, collect.requests)).toBe(commands);
    // A node target's own reads: its node, the pods on it, its events (its pods are Running: no pod events).
    const clusterWide = collectRequests - 3 * FAILING;
    expect(clusterWide).toBeGreaterThanOrEqual(commands * 4);
    expect(clusterWide).toBeLessThanOrEqual(commands * 10);
    // Each node's bundle joins its own SSM evidence and its own node object (a sample across the fleet).
    const collection = (await loadReferencedState(s.ports.stateDocuments!, state))
      .collection as any;
    expect(collection.evidence).toHaveLength(FAILING);
    for (const i of [0, FAILING / 2, FAILING - 1]) {
      const record = collection.evidence[i];
      const bundle = await s.ports.evidence.get(record.ref);
      // The recorded node had no iostat: that section's error is kept beside the rest.
      expect(record.sources).toEqual([
        { kind: 'ssm-command', status: 'partial', failedSections: ['io.block'] },
        { kind: 'kubernetes-api', status: 'collected' },
      ]);
      const node = fleet.nodes.get(record.target)!.name;
      expect(bundle.sections['kubelet.journal']!.output).toContain('PLEG is not healthy');
      expect(bundle.sections['k8s.node']!.output).toContain(node);
      expect(bundle.sections['k8s.node']!.output).toMatch(/Ready\s+(False|Unknown)/);
    }
    // Nothing was cordoned or drained, and no node action ran.
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(fleet.requests.filter((r) => !r.document.startsWith('Paramedic-Collect'))).toEqual([]);
  }, 600_000);
});
