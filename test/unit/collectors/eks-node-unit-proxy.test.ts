import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { findOnPath } from '../../support/requirements.js';

const scratch = mkdtempSync(join(tmpdir(), 'pm-eks-unit-proxy-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) p.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

const ENDPOINT = '0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com';

/**
 * The EKS-node document as SSM would run it, on this machine without systemd: a fake `systemctl`
 * first on PATH prints the kubelet's unit with AWS's documented proxy drop-in, and the library's
 * test-only PM_SYSTEMD_RUN_DIR says systemd runs. A process named kubelet holds `kubeletEnv`, and
 * its log shows the node's API calls timing out.
 */
async function collectAndClassify(password: string, kubeletEnv: Record<string, string>) {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(dir, 'run-systemd-system'));
  writeFileSync(
    join(bin, 'kubelet.service'),
    [
      '# /etc/systemd/system/kubelet.service',
      '[Service]',
      'ExecStart=/usr/bin/kubelet $KUBELET_ARGS',
      '',
      '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
      '[Service]',
      `Environment="HTTPS_PROXY=http://user:${password}@proxy.test:3128"`,
      'Environment="NO_PROXY=localhost,127.0.0.1,169.254.169.254,.internal,.svc,.cluster.local"',
      '',
    ].join('\n'),
  );
  // Every other systemctl call (--failed, status, show) prints nothing.
  writeFileSync(
    join(bin, 'systemctl'),
    `#!/bin/sh\nd=$(dirname "$0")\nif [ "$1" = cat ]; then if [ -f "$d/$4" ]; then cat "$d/$4"; else echo "No files found for $4." >&2; exit 1; fi; fi\n`,
  );
  chmodSync(join(bin, 'systemctl'), 0o755);
  const kubelet = join(dir, 'kubelet');
  symlinkSync(findOnPath('sleep')!, kubelet);
  started.push(spawn(kubelet, ['120'], { env: kubeletEnv, stdio: 'ignore' }));
  const log = join(dir, 'kubelet.log');
  const at = new Date().toISOString();
  writeFileSync(
    log,
    `${at} ip-10-0-1-5 kubelet[3321]: E1203 12:00:00.000000    3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${ENDPOINT}/api/v1/nodes\\": dial tcp 52.12.34.56:443: i/o timeout" node="ip-10-0-1-5.us-west-2.compute.internal"\n`,
  );
  const runner = new LocalCommandRunner({
    env: {
      PARAMEDIC_IO_SAMPLE_SECONDS: '1',
      PATH: `${bin}:${process.env.PATH}`,
      PM_SYSTEMD_RUN_DIR: join(dir, 'run-systemd-system'),
    },
  });
  const { bundle } = await collectEvidence({
    platform: 'eks',
    runner,
    parameters: { kubeletLog: log, sinceMinutes: '5' },
  });
  const result = classifyEvidence(loadRulebook(), bundle);
  const egress = result.explanations.find((e) => e.runbookId === 'egress-proxy-misconfigured');
  return { bundle, result, signals: egress?.signals.map((s) => s.id) ?? [] };
}

describe("EKS-node collector: a kubelet drop-in's proxy systemd dropped, end to end", () => {
  it('files the drop-in line (masked, its % kept) and classifies the kubelet running without it as egress-proxy-misconfigured', async () => {
    const { bundle, result, signals } = await collectAndClassify('p%40ss', {});
    const proxy = bundle.sections['net.proxy']!;
    expect(proxy.output).toContain('# /etc/systemd/system/kubelet.service.d/http-proxy.conf');
    expect(proxy.output).toContain('Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128"');
    expect(proxy.output).toMatch(
      /# proxy variables of kubelet from \/proc\/<pid>\/environ.*\n\(pid \d+: none\)/,
    );
    expect(proxy.output).not.toContain('p%40ss');
    expect(result.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
    expect(signals).toContain('daemon-proxy-value-dropped');
  }, 60_000);

  it('near miss: the escaped %% reaches the kubelet, whose environ shows the proxy: nothing dropped', async () => {
    const { bundle, signals } = await collectAndClassify('p%%40ss', {
      HTTPS_PROXY: 'http://user:p%40ss@proxy.test:3128',
    });
    expect(bundle.sections['net.proxy']!.output).toContain(
      'Environment="HTTPS_PROXY=http://****%%****@proxy.test:3128"',
    );
    expect(signals).not.toContain('daemon-proxy-value-dropped');
  }, 60_000);
});
