import { describe, expect, it } from 'vitest';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { eksNodeCollectorScratch } from '../../support/eks-node-collector-scratch.js';
import { collectWithNodeLog } from './eks-node-log-collection.js';

// The EKS-node document as SSM would run it (library inlined), on this machine, with an ipamd log
// as the VPC CNI writes it: JSON lines at debug level, the refusals that keep pod networking down
// among them, some from before the incident window.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-eks-ipamd-');

const ENI = 'eni-0123456789abcdef0';
/** One ipamd log line (zap JSON) stamped `minutesAgo` before now. */
const ipamdLine = (minutesAgo: number, level: string, msg: string) =>
  `${JSON.stringify({
    level,
    ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    caller: 'ipamd/ipamd.go:444',
    msg,
  })}\n`;
const refused = `Failed to call ec2:DescribeNetworkInterfaces for [${ENI}]: UnauthorizedOperation: You are not authorized to perform this operation.\n\tstatus code: 403`;

/** Collects with `ipamdLog` as the node's ipamd log (none when undefined). */
const collectAndClassify = (ipamdLog: string | undefined) =>
  collectWithNodeLog(scratch, 'ipamdLog', 'ipamd.log', ipamdLog ?? 'absent', 'cni.ipamd');

describe('EKS-node collector: the VPC CNI ipamd log (cni.ipamd)', () => {
  it("keeps the window's warnings and errors and reads them as the node's CNI refused its EC2 calls", async () => {
    const { section, bundle } = await collectAndClassify(
      ipamdLine(
        40,
        'error',
        'Failed to call ec2:AssignPrivateIpAddresses for [eni-0aaaaaaaaaaaaaaaa]: old',
      ) +
        ipamdLine(5, 'debug', 'Reconcile existing ENI eni-0123456789abcdef0 IP pool') +
        ipamdLine(
          4,
          'info',
          'IP pool stats: Total IPs/Prefixes = 14/0, AssignedIPs/CooldownIPs: 3/0',
        ) +
        ipamdLine(2, 'error', refused) +
        // The line's own stamp is its first: a stamp nested in its fields does not move it in time.
        `${JSON.stringify({ level: 'error', ts: new Date(Date.now() - 60_000).toISOString(), msg: 'Failed to call ec2:DescribeInstances for [i-0123456789abcdef0]: RequestLimitExceeded', event: { time: '2020-01-01T00:00:00Z' } })}\n`,
    );
    expect(section).toContain(`Failed to call ec2:DescribeNetworkInterfaces for [${ENI}]`);
    // Debug and info lines are left out (a line every few seconds), and so is the hour-old error.
    expect(section).not.toContain('Reconcile existing ENI');
    expect(section).not.toContain('IP pool stats');
    expect(section).not.toContain('AssignPrivateIpAddresses');
    expect(section).toContain('RequestLimitExceeded');
    const result = classifyEvidence(loadRulebook(), bundle);
    expect(result.matches[0]?.runbookId).toBe('node-not-ready');
    expect(result.matches[0]!.evidence.some((e) => e.section === 'cni.ipamd')).toBe(true);
  }, 60_000);

  it('an error from before the window proves nothing, and a node without the VPC CNI says so', async () => {
    const stale = await collectAndClassify(ipamdLine(40, 'error', refused));
    expect(stale.section).not.toContain('UnauthorizedOperation');
    expect(classifyEvidence(loadRulebook(), stale.bundle).matches[0]?.runbookId).not.toBe(
      'node-not-ready',
    );
    const none = await collectAndClassify(undefined);
    expect(none.section).toMatch(
      /ipamd\.log: not on this node \(no VPC CNI, or another CNI; a log written elsewhere: give its path in the ipamdLog parameter \(--ipamd-log, PARAMEDIC_IPAMD_LOG\)\)/,
    );
  }, 60_000);
});
