import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { holdMachineLock, MACHINE_LOCK_WAIT_MS } from '../../support/machine-lock.js';
import { findOnPath } from '../../support/requirements.js';

// The EKS-node document as SSM would run it (library inlined), on this machine. The collector
// finds the kubelet by its process name (`pgrep -x kubelet`), so every case of this file starts a
// process of that name: they are one file, run in sequence, and each case stops its kubelet (and
// waits for it to be gone) before the next starts. No other test file starts a process named
// kubelet, and another copy of this file (a second checkout's run on the same machine) waits for
// the machine's kubelet-process lock: the process table is one per machine.
const scratch = mkdtempSync(join(tmpdir(), 'pm-eks-proxy-'));
const running = new Set<ChildProcess>();
let releaseKubeletName: () => Promise<void> = async () => {};
beforeAll(async () => {
  releaseKubeletName = await holdMachineLock('kubelet-process');
}, MACHINE_LOCK_WAIT_MS);
afterAll(async () => {
  // Gone before the lock is: the next holder must not find this file's kubelet.
  await Promise.all(
    [...running].map(async (p) => {
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = once(p, 'exit');
      p.kill('SIGKILL');
      await exited;
    }),
  );
  rmSync(scratch, { recursive: true, force: true });
  await releaseKubeletName();
});

const ENDPOINT = '0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com';
const DROP_IN = '/etc/systemd/system/kubelet.service.d/http-proxy.conf';

/** A process named kubelet holding exactly `env`, started; `stop` kills it and waits for its exit. */
async function startKubelet(env: Record<string, string>) {
  const dir = mkdtempSync(join(scratch, 'kubelet-'));
  const path = join(dir, 'kubelet');
  symlinkSync(findOnPath('sleep')!, path);
  const child = spawn(path, ['120'], { env, stdio: 'ignore' });
  running.add(child);
  await once(child, 'spawn');
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(child);
    },
  };
}

/** A kubelet log line of now, as journald prints it. */
const logLine = (text: string) => `${new Date().toISOString()} ip-10-0-1-5 ${text}\n`;
const registerFailed = (err: string) =>
  logLine(
    `kubelet[3321]: E1203 12:00:00.000000    3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${ENDPOINT}/api/v1/nodes\\": ${err}" node="ip-10-0-1-5.us-west-2.compute.internal"`,
  );

interface Host {
  /** The kubelet's unit as `systemctl cat` prints it; no systemd at all when absent. */
  readonly unit?: string;
  /** What `systemctl status` prints. */
  readonly status?: string;
  readonly kubeletLog: string;
}

/**
 * Collects and classifies with a fake host first on PATH: a `dmesg` that prints nothing (the
 * machine's own kernel log is not this test's), and, with a unit, a `systemctl` printing it and
 * the test-only PM_SYSTEMD_RUN_DIR saying systemd runs.
 */
async function collectAndClassify(host: Host) {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const script = (name: string, text: string) => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  script('dmesg', '#!/bin/sh\nexit 0\n');
  const env: Record<string, string> = {
    PARAMEDIC_IO_SAMPLE_SECONDS: '1',
    PATH: `${bin}:${process.env.PATH}`,
    PM_SYSTEMD_RUN_DIR: join(dir, 'absent'),
    // The case's folder stands for /var/log: the kubeletLog parameter names a file there.
    PM_VAR_LOG_DIR: dir,
  };
  if (host.unit !== undefined) {
    mkdirSync(join(dir, 'run-systemd-system'));
    env.PM_SYSTEMD_RUN_DIR = join(dir, 'run-systemd-system');
    writeFileSync(join(bin, 'kubelet.service'), host.unit);
    writeFileSync(join(bin, 'status'), host.status ?? '');
    // `systemctl cat --no-pager -- UNIT` and `systemctl status …`; every other call prints nothing.
    script(
      'systemctl',
      `#!/bin/sh\nd=$(dirname "$0")\ncase "$1" in\n  cat) if [ -f "$d/$4" ]; then cat "$d/$4"; else echo "No files found for $4." >&2; exit 1; fi ;;\n  status) cat "$d/status" ;;\nesac\n`,
    );
  }
  const log = join(dir, 'kubelet.log');
  writeFileSync(log, host.kubeletLog);
  const { bundle } = await collectEvidence({
    platform: 'eks',
    runner: new LocalCommandRunner({ env }),
    parameters: { kubeletLog: '/var/log/kubelet.log', sinceMinutes: '5' },
  });
  const result = classifyEvidence(loadRulebook(), bundle);
  const egress = result.explanations.find((e) => e.runbookId === 'egress-proxy-misconfigured');
  return { bundle, result, signals: egress?.signals.map((s) => s.id) ?? [] };
}

/** The kubelet's unit with AWS's documented proxy drop-in, its HTTPS_PROXY password `password`. */
const kubeletUnit = (password: string) =>
  [
    '# /etc/systemd/system/kubelet.service',
    '[Service]',
    'ExecStart=/usr/bin/kubelet $KUBELET_ARGS',
    '',
    `# ${DROP_IN}`,
    '[Service]',
    `Environment="HTTPS_PROXY=http://user:${password}@proxy.test:3128"`,
    'Environment="NO_PROXY=localhost,127.0.0.1,169.254.169.254,.internal,.svc,.cluster.local"',
    '',
  ].join('\n');

describe.sequential('EKS-node collector: the kubelet proxy, end to end', () => {
  it('files the kubelet proxy (credentials masked) and classifies its failing API calls as egress-proxy-misconfigured', async () => {
    const kubelet = await startKubelet({
      HTTPS_PROXY: 'http://node:s3cret@10.0.0.5:3128',
      NO_PROXY: 'localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local,10.100.0.0/16',
    });
    try {
      const { bundle, result, signals } = await collectAndClassify({
        kubeletLog: registerFailed('proxyconnect tcp: dial tcp 10.0.0.5:3128: i/o timeout'),
      });
      const proxy = bundle.sections['net.proxy']?.output ?? '';
      expect(proxy).toContain('# proxy variables of kubelet from /proc/<pid>/environ');
      expect(proxy).toContain('HTTPS_PROXY=http://****@10.0.0.5:3128');
      expect(proxy).toContain('NO_PROXY=localhost,127.0.0.1,169.254.169.254');
      expect(JSON.stringify(bundle)).not.toContain('s3cret');

      expect(result.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
      // The join of the kubelet's own proxy with the failure naming it: only net.proxy supplies it.
      expect(signals).toContain('dial-to-configured-proxy-failed');
      expect(result.matches[0]!.evidence.some((e) => e.section === 'net.proxy')).toBe(true);
      // The same kubelet's NO_PROXY lacks the endpoint: the join of its own settings with its request names that.
      expect(signals).toContain('daemon-no-proxy-misses-internal-host');

      // A failure that does not name the proxy (a TLS handshake through it timing out): only the
      // kubelet's own NO_PROXY, which misses the API endpoint, says the proxy is on the path.
      const tls = await collectAndClassify({
        kubeletLog: registerFailed('net/http: TLS handshake timeout'),
      });
      expect(tls.result.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
      expect(tls.signals).toEqual(['daemon-no-proxy-misses-internal-host']);
      // The evidence shows the request and the kubelet's own NO_PROXY line beside it.
      const shown = tls.result.matches[0]!.evidence.map((e) => e.text);
      expect(shown.some((t) => t.includes(`https://${ENDPOINT}/api/v1/nodes`))).toBe(true);
      expect(shown.some((t) => t.startsWith('NO_PROXY=localhost'))).toBe(true);
    } finally {
      await kubelet.stop();
    }
  }, 60_000);

  it("files a drop-in's proxy systemd dropped (masked, its % kept, in the unit, the journal and systemctl status) and classifies it", async () => {
    const kubelet = await startKubelet({});
    try {
      // systemd logs the assignment it ignored, password and all, in the journal and the status tail.
      const ignored = `systemd[1]: ${DROP_IN}:3: Failed to resolve specifiers, ignoring: HTTPS_PROXY=http://user:p%40ss@proxy.test:3128`;
      const { bundle, result, signals } = await collectAndClassify({
        unit: kubeletUnit('p%40ss'),
        status: `● kubelet.service - Kubelet\n     Loaded: loaded (/etc/systemd/system/kubelet.service; enabled)\nDec 03 12:00:00 ip-10-0-1-5 ${ignored}\n`,
        kubeletLog: logLine(ignored) + registerFailed('dial tcp 52.12.34.56:443: i/o timeout'),
      });
      const proxy = bundle.sections['net.proxy']!.output;
      expect(proxy).toContain(`# ${DROP_IN}`);
      expect(proxy).toContain('Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128"');
      expect(proxy).toMatch(
        /# proxy variables of kubelet from \/proc\/<pid>\/environ.*\n\(pid \d+: none\)/,
      );
      for (const name of ['kubelet.journal', 'host.services']) {
        expect(bundle.sections[name]!.output, name).toContain(
          'Failed to resolve specifiers, ignoring: HTTPS_PROXY=http://****%4****@proxy.test:3128',
        );
      }
      expect(JSON.stringify(bundle)).not.toContain('p%40ss');
      expect(result.matches[0]?.runbookId).toBe('egress-proxy-misconfigured');
      expect(signals).toContain('daemon-proxy-value-dropped');
      // The journal line, masked, still reads as systemd ignoring a proxy assignment.
      expect(signals).toContain('daemon-proxy-assignment-ignored');
    } finally {
      await kubelet.stop();
    }
  }, 60_000);

  // The near miss of the case above, on the `%%` reading itself: the unit's value is escaped and
  // the kubelet's environ still has no proxy. systemd resolves `%%` to `%` and sets the variable,
  // so it dropped nothing: a daemon without a value its unit sets correctly was started before the
  // drop-in (no daemon-reload and restart since). Blaming a specifier would send the operator to
  // "fix" a value that is right, so the honest answer here is no `daemon-proxy-value-dropped`.
  it('near miss: an escaped %% in the unit and no proxy in the environ is no value systemd dropped', async () => {
    const kubelet = await startKubelet({});
    try {
      const { bundle, signals } = await collectAndClassify({
        unit: kubeletUnit('p%%40ss'),
        kubeletLog: registerFailed('dial tcp 52.12.34.56:443: i/o timeout'),
      });
      const proxy = bundle.sections['net.proxy']!.output;
      expect(proxy).toContain('Environment="HTTPS_PROXY=http://****%%****@proxy.test:3128"');
      expect(proxy).toMatch(
        /# proxy variables of kubelet from \/proc\/<pid>\/environ.*\n\(pid \d+: none\)/,
      );
      expect(signals).not.toContain('daemon-proxy-value-dropped');
    } finally {
      await kubelet.stop();
    }
  }, 60_000);
});
