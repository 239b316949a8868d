import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import {
  collectOnQuietNode,
  eksNodeCase,
  eksNodeCollectorScratch,
} from '../../support/eks-node-collector-scratch.js';
import { collectWithNodeLog } from './eks-node-log-collection.js';

// A log file under /var/log passes the collectors' check on its name, then whoever may write in
// its folder (an app user, a container the folder is mounted in) points that name at /etc/shadow
// before the root collector reads it. Each case's folder stands for /var/log (the test-only
// PM_VAR_LOG_DIR); `outside` stands for /etc/shadow, `original` for the log as it was checked.
// Each file holds a line every log section keeps (kubelet, dockerd, ipamd, policy agent).
// The swap comes from a stand-in for one of the collector's own tools, at the worst moment for
// the collector: realpath swaps just after it answered the check, tail just as it starts reading.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-log-swaps-');
const now = new Date().toISOString();
/** A log's text whose every line some log section keeps, each carrying `marker`. */
const logText = (marker: string) =>
  [
    `${now} ip-10-0-1-5 kubelet[3321]: ${marker}`,
    `${now} ip-10-0-1-5 containerd[700]: ${marker}`,
    `${now} ip-10-0-1-5 dockerd[812]: level=error msg="${marker}"`,
    JSON.stringify({ level: 'error', ts: now, msg: `${marker} Verdict: DENY` }),
    '',
  ].join('\n');
const outside = join(scratch, 'shadow');
writeFileSync(outside, logText('root:SHADOW-LINE'));

/**
 * Puts in `bin` a `tool` that runs the machine's own and points each of `logs` at `outside` (a
 * link): realpath once it has answered about that log, tail before it reads one (named as an
 * argument, or open as its stdin).
 */
function swappingTool(bin: string, tool: 'realpath' | 'tail', logs: readonly string[]) {
  const swap = (test: string) =>
    `for a in "$@" ${tool === 'tail' ? '/dev/stdin' : ''}; do for log in ${logs.map((l) => `'${l}'`).join(' ')}; do if [ ${test} ]; then ln -sfn '${outside}' "$log"; fi; done; done`;
  const real = `PATH='${process.env.PATH}'`;
  const body =
    tool === 'realpath'
      ? `${real} realpath "$@"; rc=$?\n${swap('"$a" = "$log"')}\nexit "$rc"\n`
      : `${swap('"$a" -ef "$log"')}\n${real} exec tail "$@"\n`;
  writeFileSync(join(bin, tool), `#!/usr/bin/env bash\n${body}`);
  chmodSync(join(bin, tool), 0o755);
}

/** The EKS node collector with `parameter` naming `fileName`, the original log, swapped by `tool`. */
async function collectEksSwapped(
  parameter: string,
  fileName: string,
  tool: 'realpath' | 'tail',
  section: string,
) {
  const node = eksNodeCase(scratch);
  const log = join(node.dir, fileName);
  mkdirSync(join(log, '..'), { recursive: true });
  writeFileSync(log, logText('ORIGINAL-LINE'));
  swappingTool(node.bin, tool, [log]);
  const bundle = await collectOnQuietNode(
    node,
    { PM_VAR_LOG_DIR: node.dir },
    { sinceMinutes: '15', [parameter]: `/var/log/${fileName}` },
  );
  return { output: bundle.sections[section]!.output, error: bundle.sections[section]!.error, log };
}

/**
 * The Docker host collector with daemonLog and containerdLog given (each its own original log,
 * its lines marked with its path), both swapped by `tool`.
 */
async function collectDockerSwapped(tool: 'realpath' | 'tail') {
  const dir = mkdtempSync(join(scratch, 'docker-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'dmesg'), 0o755);
  const logs = [join(dir, 'docker.log'), join(dir, 'containerd.log')];
  for (const log of logs) writeFileSync(log, logText(`ORIGINAL-LINE of ${log}`));
  swappingTool(bin, tool, logs);
  const runner = new LocalCommandRunner({
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      PM_SYSTEMD_RUN_DIR: join(dir, 'no-systemd'),
      PM_VAR_LOG_DIR: dir,
      DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
      PARAMEDIC_IO_SAMPLE_SECONDS: '1',
    },
  });
  const { bundle } = await collectEvidence({
    platform: 'docker',
    runner,
    parameters: {
      sinceMinutes: '15',
      daemonLog: '/var/log/docker.log',
      containerdLog: '/var/log/containerd.log',
    },
  });
  return { journal: bundle.sections['docker.journal']!, logs };
}

const eksCases = [
  ['kubeletLog', 'kubelet.log', 'kubelet.journal'],
  ['ipamdLog', 'aws-routed-eni/ipamd.log', 'cni.ipamd'],
  ['policyAgentLog', 'aws-routed-eni/network-policy-agent.log', 'cni.policy-verdicts'],
] as const;

describe('collectors: a log file re-pointed out of /var/log after its name was checked', () => {
  it.each(eksCases)(
    'EKS node, %s: re-pointed once opened, the file read is the one opened',
    async (parameter, fileName, name) => {
      const { output, error, log } = await collectEksSwapped(parameter, fileName, 'tail', name);
      expect(readlinkSync(log)).toBe(outside);
      expect(output).not.toContain('SHADOW-LINE');
      expect(output).toContain('ORIGINAL-LINE');
      expect(error).toBeNull();
    },
    60_000,
  );

  it.each(eksCases)(
    'EKS node, %s: re-pointed before it is opened, it is not read, and the section says why',
    async (parameter, fileName, name) => {
      const { output, error, log } = await collectEksSwapped(parameter, fileName, 'realpath', name);
      expect(output).not.toContain('SHADOW-LINE');
      expect(output).toContain(
        `# log file ${log}: a link out of /var/log when opened (to ${outside}); not read`,
      );
      expect(error).toContain(`log ${log} is a link out of /var/log; not read`);
    },
    60_000,
  );

  it('Docker host, daemonLog and containerdLog: re-pointed once opened, the files read are the ones opened', async () => {
    const { journal, logs } = await collectDockerSwapped('tail');
    for (const log of logs) expect(readlinkSync(log)).toBe(outside);
    expect(journal.output).not.toContain('SHADOW-LINE');
    for (const log of logs) expect(journal.output).toContain(`ORIGINAL-LINE of ${log}`);
  }, 60_000);

  it('Docker host, daemonLog and containerdLog: re-pointed before they are opened, neither is read, and docker.journal says why', async () => {
    const { journal, logs } = await collectDockerSwapped('realpath');
    expect(journal.output).not.toContain('SHADOW-LINE');
    for (const log of logs) {
      expect(journal.output).toContain(
        `# log file ${log}: a link out of /var/log when opened (to ${outside}); not read`,
      );
      expect(journal.error).toContain(`log ${log} is a link out of /var/log; not read`);
    }
  }, 60_000);
});

describe('collectors: a log file that is not a regular file once opened', () => {
  it('EKS node, kubeletLog naming a folder: it is not read, and the section says why', async () => {
    const { section, dir } = await collectWithNodeLog(
      scratch,
      'kubeletLog',
      'kubelet.log',
      'directory',
      'kubelet.journal',
    );
    expect(section).toContain(
      `# log file ${join(dir, 'kubelet.log')}: not a regular file; not read`,
    );
  }, 60_000);
});

describe('collectors: the usual daemon log files are under /var/log too', () => {
  it('EKS node, no kubeletLog: /var/log/kubelet.log is read there', async () => {
    const node = eksNodeCase(scratch);
    writeFileSync(join(node.dir, 'kubelet.log'), logText('ORIGINAL-LINE'));
    const bundle = await collectOnQuietNode(node, { PM_VAR_LOG_DIR: node.dir });
    expect(bundle.sections['kubelet.journal']!.output).toContain('ORIGINAL-LINE');
  }, 60_000);

  it('EKS node, no kubeletLog: a /var/log/kubelet.log linked out of /var/log is not read, and the section says why', async () => {
    const node = eksNodeCase(scratch);
    const log = join(node.dir, 'kubelet.log');
    symlinkSync(outside, log);
    const bundle = await collectOnQuietNode(node, { PM_VAR_LOG_DIR: node.dir });
    const section = bundle.sections['kubelet.journal']!;
    expect(section.output).not.toContain('SHADOW-LINE');
    expect(section.output).toContain(
      `# log file ${log}: a link out of /var/log when opened (to ${outside}); not read`,
    );
    expect(section.error).toContain(`log ${log} is a link out of /var/log; not read`);
  }, 60_000);
});

describe('collectors: a log file longer than what is read is cut at a line, not mid-line', () => {
  it('EKS node, kubeletLog of more than 4 MiB: the fragment of the old line the cut falls in (its stamp lost) is not read; the recent lines are', async () => {
    const node = eksNodeCase(scratch);
    const old = new Date(Date.now() - 4 * 86_400_000).toISOString();
    const READ_BYTES = 4 * 1024 * 1024; // PM_LOG_READ_BYTES: the end of the file that is read
    // The read starts just after `E1119 pull failed: ` in a 4-day-old line: what follows the cut is
    // that line's end (no stamp), old lines (dropped by their stamps), then today's lines.
    const cutLine = `${old} ip-10-0-1-5 kubelet[3321]: E1119 pull failed: `;
    const fragment = 'OLD-FRAGMENT manifest unknown\n';
    const recent = logText('RECENT-LINE');
    const oldLine = `${old} ip-10-0-1-5 kubelet[3321]: I1119 sync loop\n`;
    const filler = READ_BYTES - fragment.length - recent.length;
    // Old lines, then one old line padded to make the end exactly READ_BYTES long.
    const fillers = oldLine.repeat(Math.floor((filler - old.length - 3) / oldLine.length));
    const pad = `${old} ${'p'.repeat(filler - fillers.length - old.length - 2)}\n`;
    const tail = fragment + fillers + pad + recent;
    expect(tail.length).toBe(READ_BYTES);
    writeFileSync(join(node.dir, 'kubelet.log'), `${oldLine.repeat(100)}${cutLine}${tail}`);
    const bundle = await collectOnQuietNode(
      node,
      { PM_VAR_LOG_DIR: node.dir },
      { sinceMinutes: '15', kubeletLog: '/var/log/kubelet.log' },
    );
    const output = bundle.sections['kubelet.journal']!.output;
    expect(output).toContain('RECENT-LINE');
    expect(output).not.toContain('OLD-FRAGMENT');
  }, 60_000);
});
