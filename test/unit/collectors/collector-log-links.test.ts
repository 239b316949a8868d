import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { eksNodeCollectorScratch } from '../../support/eks-node-collector-scratch.js';
import { collectWithNodeLog } from './eks-node-log-collection.js';

// A log parameter names a file under /var/log (the collectors' PM_LOG_PATH_PATTERN), but a name
// there may be a link to any file, and tail follows links: run as root, the collector would file
// `/var/log/app.log -> /etc/shadow` as evidence. Each case's folder stands for /var/log (the
// test-only PM_VAR_LOG_DIR); `outside` stands for /etc/shadow, a file that would pass every
// section's filter were it read.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-log-links-');
const outside = join(scratch, 'shadow');
const now = new Date().toISOString();
writeFileSync(
  outside,
  [
    `${now} ip-10-0-1-5 kubelet[3321]: root:SHADOW-LINE:19000:0:99999:7:::`,
    `${now} ip-10-0-1-5 dockerd[812]: level=error msg="root:SHADOW-LINE"`,
    JSON.stringify({ level: 'error', ts: now, msg: 'root:SHADOW-LINE Verdict: DENY' }),
    '',
  ].join('\n'),
);

describe('collectors: a log parameter naming a link out of /var/log', () => {
  it.each([
    ['kubeletLog', 'kubelet.log', 'kubelet.journal'],
    ['ipamdLog', 'ipamd.log', 'cni.ipamd'],
    ['policyAgentLog', 'network-policy-agent.log', 'cni.policy-verdicts'],
  ])(
    'EKS node, %s: the linked file is not read, and the section says why',
    async (parameter, fileName, name) => {
      const { section, bundle, dir } = await collectWithNodeLog(
        scratch,
        parameter,
        fileName,
        { linkTo: outside },
        name,
      );
      expect(section).not.toContain('SHADOW-LINE');
      expect(section).toContain(
        `# log file ${join(dir, fileName)}: a link out of /var/log (to ${outside}); not read`,
      );
      expect(bundle.sections[name]!.error).toContain(
        `log ${join(dir, fileName)} is a link out of /var/log; not read`,
      );
    },
    60_000,
  );

  it('EKS node: a link to another file under /var/log is read', async () => {
    const line = JSON.stringify({
      level: 'error',
      ts: now,
      msg: 'Failed to call ec2:DescribeNetworkInterfaces',
    });
    const { section, bundle } = await collectWithNodeLog(
      scratch,
      'ipamdLog',
      'ipamd.log',
      { linkTo: 'aws-routed-eni/ipamd.log' },
      'cni.ipamd',
      { 'aws-routed-eni/ipamd.log': `${line}\n` },
    );
    expect(section).toContain('Failed to call ec2:DescribeNetworkInterfaces');
    expect(bundle.sections['cni.ipamd']!.error).toBeNull();
  }, 60_000);

  it('Docker host, daemonLog and containerdLog: neither linked file is read, and docker.journal says why', async () => {
    const dir = mkdtempSync(join(scratch, 'docker-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'dmesg'), 0o755);
    symlinkSync(outside, join(dir, 'docker.log'));
    symlinkSync(outside, join(dir, 'containerd.log'));
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
    const journal = bundle.sections['docker.journal']!;
    expect(journal.output).not.toContain('SHADOW-LINE');
    expect(journal.output).toContain(
      `# log file ${join(dir, 'docker.log')}: a link out of /var/log`,
    );
    expect(journal.output).toContain(
      `# log file ${join(dir, 'containerd.log')}: a link out of /var/log`,
    );
    expect(journal.error).toContain(
      `log ${join(dir, 'docker.log')} is a link out of /var/log; not read`,
    );
  }, 60_000);
});
