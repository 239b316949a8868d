import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { findOnPath } from '../../support/requirements.js';

const scratch = mkdtempSync(join(tmpdir(), 'pm-eks-proxy-'));
let kubelet: ChildProcess | undefined;
afterAll(() => {
  kubelet?.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

const ENDPOINT = '0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com';

// The EKS-node document as SSM would run it (library inlined), on this machine: a process named
// kubelet holds a proxy whose NO_PROXY covers IMDS and the cluster's own names but not the API
// endpoint, and the kubelet's log shows its API calls failing at that proxy.
describe('EKS-node collector: the kubelet proxy in net.proxy, end to end', () => {
  it('files the kubelet proxy (credentials masked) and classifies its failing API calls as egress-proxy-misconfigured', async () => {
    const path = join(scratch, 'kubelet');
    symlinkSync(findOnPath('sleep')!, path);
    kubelet = spawn(path, ['120'], {
      env: {
        HTTPS_PROXY: 'http://node:s3cret@10.0.0.5:3128',
        NO_PROXY: 'localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local,10.100.0.0/16',
      },
      stdio: 'ignore',
    });
    const log = join(scratch, 'kubelet.log');
    const at = new Date().toISOString();
    writeFileSync(
      log,
      `${at} ip-10-0-1-5 kubelet[3321]: E1203 12:00:00.000000    3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${ENDPOINT}/api/v1/nodes\\": proxyconnect tcp: dial tcp 10.0.0.5:3128: i/o timeout" node="ip-10-0-1-5.us-west-2.compute.internal"\n`,
    );
    const runner = new LocalCommandRunner({ env: { PARAMEDIC_IO_SAMPLE_SECONDS: '1' } });
    const { bundle } = await collectEvidence({
      platform: 'eks',
      runner,
      parameters: { kubeletLog: log, sinceMinutes: '5' },
    });

    const proxy = bundle.sections['net.proxy']?.output ?? '';
    expect(proxy).toContain('# proxy variables of kubelet from /proc/<pid>/environ');
    expect(proxy).toContain('HTTPS_PROXY=http://****@10.0.0.5:3128');
    expect(proxy).toContain('NO_PROXY=localhost,127.0.0.1,169.254.169.254');
    expect(proxy).not.toContain('s3cret');

    const result = classifyEvidence(loadRulebook(), bundle);
    expect(result.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
    // The join of the kubelet's own proxy with the failure naming it: only net.proxy supplies it.
    const egress = result.explanations.find((e) => e.runbookId === 'egress-proxy-misconfigured');
    expect(egress?.signals.map((s) => s.id)).toContain('dial-to-configured-proxy-failed');
    expect(result.matches[0]!.evidence.some((e) => e.section === 'net.proxy')).toBe(true);
    // The same kubelet's NO_PROXY lacks the endpoint: the join of its own settings with its request names that.
    expect(egress?.signals.map((s) => s.id)).toContain('daemon-no-proxy-misses-internal-host');

    // A failure that does not name the proxy (a TLS handshake through it timing out): only the
    // kubelet's own NO_PROXY, which misses the API endpoint, says the proxy is on the path.
    writeFileSync(
      log,
      `${new Date().toISOString()} ip-10-0-1-5 kubelet[3321]: E1203 12:00:01.000000    3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${ENDPOINT}/api/v1/nodes\\": net/http: TLS handshake timeout" node="ip-10-0-1-5.us-west-2.compute.internal"\n`,
    );
    const second = await collectEvidence({
      platform: 'eks',
      runner,
      parameters: { kubeletLog: log, sinceMinutes: '5' },
    });
    const tls = classifyEvidence(loadRulebook(), second.bundle);
    expect(tls.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
    const named = tls.explanations.find((e) => e.runbookId === 'egress-proxy-misconfigured');
    expect(named?.signals.map((s) => s.id)).toEqual(['daemon-no-proxy-misses-internal-host']);
    // The evidence shows the request and the kubelet's own NO_PROXY line beside it.
    const shown = tls.matches[0]!.evidence.map((e) => e.text);
    expect(shown.some((t) => t.includes(`https://${ENDPOINT}/api/v1/nodes`))).toBe(true);
    expect(shown.some((t) => t.startsWith('NO_PROXY=localhost'))).toBe(true);
  }, 60_000);
});
