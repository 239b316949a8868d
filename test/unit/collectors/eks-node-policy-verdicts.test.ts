import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import {
  CLUSTER_DNS_NAMESPACE,
  CLUSTER_DNS_PODS,
  CLUSTER_DNS_PORT,
  CLUSTER_DNS_PROTOCOL,
  defaultNamespaceLabels,
} from '../../../lambdas/core/kubernetes/cluster-dns.js';
import { judgeFlow } from '../../../lambdas/core/kubernetes/network-policy.js';
import { renderNetworkPolicySection } from '../../../lambdas/core/kubernetes/render/describe-network.js';
import { eksNodeCollectorScratch } from '../../support/eks-node-collector-scratch.js';
import { collectWithNodeLog, type NodeLogFile } from './eks-node-log-collection.js';

// The EKS-node document as SSM would run it (library inlined), on this machine, with the VPC CNI
// network policy agent's log as the agent writes it with policy event logs on: zap JSON lines, one
// per flow verdict, ACCEPT among the DENY, some from before the incident window.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-eks-npa-');

const stamp = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
// The flows: a client (10.1.12.220, an ephemeral port) connecting to pod shop/web (10.1.202.70) on
// 8080, each flow told apart by its client port.
/** A flow line with the fields as JSON keys (the agent's first releases), `minutesAgo` before now. */
const keyedFlow = (minutesAgo: number, verdict: string, srcPort: number) =>
  `${JSON.stringify({
    level: 'info',
    ts: stamp(minutesAgo),
    logger: 'ebpf-client',
    msg: 'Flow Info:  ',
    'Src IP': '10.1.12.220',
    'Src Port': srcPort,
    'Dest IP': '10.1.202.70',
    'Dest Port': 8080,
    Proto: 'TCP',
    Verdict: verdict,
  })}\n`;
/** The reply of such a flow (pod shop/web's 8080 back to the client's port), keyed like keyedFlow. */
const replyFlow = (minutesAgo: number, verdict: string, clientPort: number) =>
  `${JSON.stringify({
    level: 'info',
    ts: stamp(minutesAgo),
    logger: 'ebpf-client',
    msg: 'Flow Info:  ',
    'Src IP': '10.1.202.70',
    'Src Port': 8080,
    'Dest IP': '10.1.12.220',
    'Dest Port': clientPort,
    Proto: 'TCP',
    Verdict: verdict,
  })}\n`;
/** A later release's flow line, the fields inside the message (its IPv6 wording, with colons). */
const messageFlow = (minutesAgo: number, verdict: string, srcPort: number) =>
  `${JSON.stringify({
    level: 'info',
    ts: stamp(minutesAgo),
    caller: 'events/events.go:241',
    msg: `Flow Info: Src IP: 2600:1f14:252c:c310:70fb::2 Src Port: ${srcPort} Dest IP: fd74:9d4e:ba42::2:ff4d Dest Port: 8080 Proto: TCP Verdict: ${verdict} Direction: ingress`,
  })}\n`;
/** The text form (the agent's CloudWatch message), with and without a stamp before it. */
const textFlow = (srcPort: number, minutesAgo?: number) =>
  `${minutesAgo === undefined ? '' : `${stamp(minutesAgo)} `}Node: ip-10-1-12-7.eu-west-1.compute.internal;SIP: 10.1.12.220;SPORT: ${srcPort};DIP: 10.1.202.70;DPORT: 8080;PROTOCOL: TCP;PolicyVerdict: DENY\n`;

/** Collects with `agentLog` as the node's policy agent log. */
const collect = (agentLog: NodeLogFile) =>
  collectWithNodeLog(
    scratch,
    'policyAgentLog',
    'network-policy-agent.log',
    agentLog,
    'cni.policy-verdicts',
  );

/**
 * The bundle the pipeline classifies: the node's evidence and the Kubernetes reader's
 * k8s.networkpolicies for pod shop/web, which a deny-all ingress policy selects, rendered by the
 * reader's own functions with the one flow it always judges (the pod's DNS, allowed: a policy
 * denying egress too would be named by that verdict alone, with no flow log).
 */
function withDenyAllPolicy(bundle: EvidenceBundle): EvidenceBundle {
  const denyAll = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-all', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  const web = {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    status: { podIP: '10.1.202.70' },
  };
  const self = { pod: web, namespaceLabels: defaultNamespaceLabels('shop') };
  const dns = CLUSTER_DNS_PODS.map((pod) =>
    judgeFlow(
      [denyAll],
      self,
      { pod, namespaceLabels: defaultNamespaceLabels(CLUSTER_DNS_NAMESPACE) },
      CLUSTER_DNS_PORT,
      CLUSTER_DNS_PROTOCOL,
    ),
  );
  const output = renderNetworkPolicySection(
    'shop/web',
    [denyAll],
    [dns.find((f) => f.allowed) ?? dns[0]!],
    1,
  );
  return {
    ...bundle,
    sections: {
      ...bundle.sections,
      'k8s.networkpolicies': { command: 'kubectl describe networkpolicy -n shop', output },
    },
  };
}

const topAnswer = (bundle: EvidenceBundle) =>
  classifyEvidence(loadRulebook(), bundle).matches[0]?.runbookId;

describe('EKS-node collector: the VPC CNI network policy agent flow verdicts (cni.policy-verdicts)', () => {
  it("keeps the window's DENY flow lines, every wording the classifier reads, and nothing else", async () => {
    const { section } = await collect(
      keyedFlow(40, 'DENY', 40001) +
        // A line without a stamp cannot be placed in time: never read, first in the file or not.
        textFlow(40002) +
        keyedFlow(5, 'ACCEPT', 40003) +
        messageFlow(5, 'ACCEPT', 40004) +
        keyedFlow(4, 'DENY', 40005) +
        messageFlow(3, 'DENY', 40006) +
        // The IPv4 wording of the later releases: no colons after Proto, Verdict, Direction.
        `${JSON.stringify({ level: 'info', ts: stamp(3), msg: 'Flow Info: Src IP: 10.1.12.220 Src Port: 40007 Dest IP: 10.1.202.70 Dest Port: 8080 Proto TCP Verdict DENY Direction ingress' })}\n` +
        textFlow(40008) +
        textFlow(40009, 2) +
        textFlow(40010, 50),
    );
    const ports = [...section.matchAll(/Src Port"?:? ?(\d+)|SPORT: (\d+)/g)].map(
      (m) => m[1] ?? m[2],
    );
    expect(ports).toEqual(['40005', '40006', '40007', '40009']);
    expect(section).toMatch(
      /^# log file \S+network-policy-agent\.log, DENY flow lines \(lines since \d{4}-\d\d-\d\dT[\d:]+Z\)$/m,
    );
  }, 60_000);

  it("reads the pod's replies the agent dropped beside a deny-all policy as network-policy-blocked; without the section it is not", async () => {
    const { section, bundle } = await collect(
      keyedFlow(5, 'ACCEPT', 40003) + replyFlow(4, 'DENY', 40005) + replyFlow(3, 'DENY', 40006),
    );
    expect(section).toContain('Verdict');
    const collected = withDenyAllPolicy(bundle);
    const result = classifyEvidence(loadRulebook(), collected);
    expect(result.matches[0]?.runbookId).toBe('network-policy-blocked');
    expect(result.matches[0]!.evidence.some((e) => e.section === 'cni.policy-verdicts')).toBe(true);
    const { 'cni.policy-verdicts': _, ...others } = collected.sections;
    expect(topAnswer({ ...collected, sections: others })).not.toBe('network-policy-blocked');
  }, 60_000);

  it('a DENY from before the window proves nothing, and a node without the agent or its log says so', async () => {
    const stale = await collect(replyFlow(40, 'DENY', 40001) + replyFlow(30, 'DENY', 40006));
    expect(stale.section).not.toContain('Verdict');
    expect(stale.section).toMatch(/^# no DENY flow line in the window/m);
    expect(topAnswer(withDenyAllPolicy(stale.bundle))).not.toBe('network-policy-blocked');
    const none = await collect('absent');
    expect(none.section).toMatch(
      /network-policy-agent\.log: not on this node \(no VPC CNI network policy agent, or another CNI; a log written elsewhere: give its path in the policyAgentLog parameter \(--policy-agent-log, PARAMEDIC_POLICY_AGENT_LOG\)\)/,
    );
    const unreadable = await collect('directory');
    expect(unreadable.section).toMatch(
      /network-policy-agent\.log: not a readable file \(run the collector as root, or give a readable copy in the policyAgentLog parameter \(--policy-agent-log, PARAMEDIC_POLICY_AGENT_LOG\)\)/,
    );
  }, 90_000);
});
