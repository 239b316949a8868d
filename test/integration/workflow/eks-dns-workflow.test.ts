/**
 * A pod's DNS failing because its node's kubelet was given a typo'd clusterDNS, end to end through
 * the synthesized workflow (real steps on dynalite + s3rver, the cluster port against the local
 * HTTPS API server, the node's SSM side printing a recorded eks-node bundle). The API shows only
 * the symptom (a pod restarting on a lookup that timed out, CoreDNS healthy, kube-dns 10.100.0.10);
 * the cause is the node's kubelet.config (clusterDNS 10.100.0.100, AL2023's nodeadm drop-in). Only
 * the dns.resolver join reads the two together: the control differs in the node's configuration
 * alone (the clusterDNS is the Service's), and there the join finds nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { startLocalCluster, type LocalCluster } from '../kubernetes/local-cluster.js';
import { loadScenario } from '../kubernetes/scenario-loader.js';
import { alarmWith, bundleOf, CLUSTER, eksScenario } from './eks-world.js';
import { startInfra, type LocalInfra } from './harness.js';

const TOKEN = 'k8s-aws-v1.eks-dns-workflow';
const SCENARIO = 'dns-resolution-failure-kubelet-cluster-dns';
const POD = 'checkout-5c4b3a2d1-w8v7u';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60701';

let infra: LocalInfra;
let cluster: LocalCluster;
beforeAll(async () => {
  infra = await startInfra();
  cluster = await startLocalCluster(loadScenario(SCENARIO), TOKEN);
});
afterAll(async () => {
  await cluster?.stop();
  await infra?.stop();
});
beforeEach(() => cluster.server.load(loadScenario(SCENARIO)));

/** The checkout workload's restarts alarm, fired at the recorded scenario's time, with the node printing `evidence`. */
async function runRestartsAlarm(evidence: string) {
  const world = await eksScenario({ infra, cluster });
  world.fleet.nodes.set(INSTANCE, { evidence, healthy: false, repair: () => undefined });
  const run = await world.s.execute(
    alarmWith(
      'eks-pod-restarts-workload.json',
      { ClusterName: CLUSTER, Namespace: 'shop', PodName: 'checkout' },
      loadScenario(SCENARIO).now,
    ),
  );
  // An escalated run ends failed: its state is the record.
  const state = run.output ?? run.state;
  const bundle = await bundleOf(world.s, state.collection.evidence[0].ref);
  return { ...world, run, state, bundle };
}

/** The dns-resolution-failure signals the engine fires on a bundle, as the workflow's rulebook reads it. */
function dnsSignals(rulebook: Parameters<typeof classifyEvidence>[0], bundle: EvidenceBundle) {
  return (
    classifyEvidence(rulebook, bundle)
      .explanations.find((e) => e.runbookId === 'dns-resolution-failure')
      ?.signals.map((s) => s.id) ?? []
  );
}

const TYPO_LINE = { section: 'kubelet.config', text: '"10.100.0.100"' };
const mutatingRequests = () => cluster.server.requests.filter((r) => r.method !== 'GET');

describe("a kubelet's typo'd clusterDNS through the synthesized workflow (real steps, local API server, dynalite, s3rver)", () => {
  it("pod restarts alarm: classified dns-resolution-failure on the node's clusterDNS beside kube-dns's address; CoreDNS is not restarted, the run escalates with the proof, all audited", async () => {
    const { s, fleet, approvals, run, state, bundle } = await runRestartsAlarm(
      'dns-resolution-failure-kubelet-cluster-dns.json',
    );

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(state.intake.targets).toEqual([
      expect.objectContaining({ id: INSTANCE, cluster: CLUSTER, node: NODE, pod: POD }),
    ]);
    // Both halves in one bundle: the node's kubelet configuration (SSM) and the cluster DNS Service (API).
    expect(bundle.sections['kubelet.config']!.output).toContain(
      '# /etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf\n{\n    "apiVersion": "kubelet.config.k8s.io/v1beta1",\n    "clusterDNS": [\n        "10.100.0.100"\n    ],',
    );
    expect(bundle.sections['k8s.cluster']!.output).toMatch(
      /^kube-dns\s+ClusterIP\s+10\.100\.0\.10\s/m,
    );
    expect(bundle.sections['k8s.pod-logs']!.output).toContain(
      'lookup orders.shop.svc.cluster.local on 10.100.0.100:53',
    );

    expect(state.classification.runbookId).toBe('dns-resolution-failure');
    expect(state.classification.targets[0].evidence).toEqual(
      expect.arrayContaining([expect.objectContaining(TYPO_LINE)]),
    );
    expect(dnsSignals(s.ports.rulebook, bundle)).toContain('pod-resolver-not-cluster-dns');

    // Restarting CoreDNS cannot fix a node's configuration: the runbook's precondition holds the
    // target out, with the kubelet's line as its reason, and a person is told.
    expect(state.plan).toMatchObject({ decision: 'escalate', steps: [], targets: [] });
    expect(state.plan.held).toEqual([
      { target: INSTANCE, reason: expect.stringContaining('pods-ask-the-cluster-dns') },
    ]);
    expect(state.plan.preconditions).toEqual([
      expect.objectContaining({
        id: 'pods-ask-the-cluster-dns',
        action: 'k8s-restart-coredns',
        // The kubelet's line, and the pod's lookup of that address that failed.
        evidence: [
          expect.objectContaining(TYPO_LINE),
          expect.objectContaining({
            section: 'k8s.pod-logs',
            text: expect.stringContaining('on 10.100.0.100:53: read udp'),
          }),
        ],
      }),
    ]);
    expect(approvals).toEqual([]);
    expect(mutatingRequests()).toEqual([]);
    expect(fleet.requests.map((r) => r.document)).toEqual([
      expect.stringMatching(/^Paramedic-Collect/),
    ]);
    expect(state.completion.outcome).toBe('escalated');

    const entries = await s.audit.execution(run.executionId);
    expect(entries.map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'preconditions',
      'escalated',
      'released',
      'completed',
    ]);
    const classified = entries.find((e) => e.type === 'classified')!.data as any;
    expect(classified.runbookId).toBe('dns-resolution-failure');
    expect(classified.targets[0].matches[0].evidence).toEqual(
      expect.arrayContaining([expect.objectContaining(TYPO_LINE)]),
    );
    expect((entries.find((e) => e.type === 'escalated')!.data as any).reason).toContain(
      'refused by preconditions',
    );
    expect((await s.audit.verify()).ok).toBe(true);
  });

  it("control: the same pod, the node's clusterDNS the Service's address: the join finds nothing, and the plan is the runbook's CoreDNS restart on approval", async () => {
    const { s, approvals, state, bundle } = await runRestartsAlarm(
      'dns-resolution-failure-kubelet-cluster-dns-matching.json',
    );

    expect(bundle.sections['kubelet.config']!.output).not.toContain('config.json.d');
    // The pod's own failed lookup still reads as DNS; nothing of the node's configuration is evidence.
    expect(state.classification.runbookId).toBe('dns-resolution-failure');
    expect(
      state.classification.targets[0].evidence.map((e: { section: string }) => e.section),
    ).not.toContain('kubelet.config');
    const signals = dnsSignals(s.ports.rulebook, bundle);
    expect(signals).toContain('lookup-failed-on-resolver');
    expect(signals).not.toContain('pod-resolver-not-cluster-dns');

    expect(state.plan).toMatchObject({ decision: 'approval', held: [] });
    expect(state.plan.steps.map((st: { action: string }) => st.action)).toEqual([
      'report',
      'k8s-restart-coredns',
    ]);
    expect(approvals).toEqual(['report,k8s-restart-coredns']);
    expect((await s.audit.verify()).ok).toBe(true);
  });
});
