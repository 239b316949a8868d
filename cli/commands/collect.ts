import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { collectEvidence } from '../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../lambdas/adapters/local/local-command-runner.js';
import { incidentParameters } from '../../lambdas/core/collection/collector-documents.js';
import { DocumentParameterError } from '../../lambdas/core/collection/evidence-collectors.js';
import { collectorLogsOf, withCollectorLogOptions, type CollectorLogFlags } from '../options.js';
import { complain, dim, progress, usageError } from '../output.js';

interface CollectFlags extends CollectorLogFlags {
  platform: string;
  container?: string;
  pid?: string;
  since?: string;
  straceSeconds?: string;
  probeHost?: string;
  output?: string;
  incidentTime?: string;
  remediatedAt?: string;
}

/**
 * `paramedic collect [--platform docker|eks] [--container NAME] [--pid N] [--incident-time T] [--since MIN]
 * [--daemon-log FILE] [--containerd-log FILE] [--kubelet-log FILE] [--ipamd-log FILE]
 * [--policy-agent-log FILE] [--strace-seconds N] [-o bundle.json]`
 */
export function registerCollectCommand(program: Command): void {
  withCollectorLogOptions(
    program
      .command('collect')
      .description(
        'Run the evidence collector on this machine (the script SSM runs on a host) and print or save the bundle',
      )
      .option('--platform <platform>', 'docker (EC2 Docker host) or eks (EKS node)', 'docker')
      .option('--container <name>', 'container to inspect closely and trace (docker)')
      .option('--pid <n>', 'host pid to trace (with --strace-seconds)')
      .option(
        '--incident-time <time>',
        'when the incident began, e.g. 2026-12-02T12:00:00Z (default: now)',
      )
      .option(
        '--since <minutes>',
        'lookback before the incident time, minutes: logs, events and the kernel log are read from there',
        '15',
      )
      .option(
        '--remediated-at <time>',
        'evidence to verify a fix: when the fix ran; only later lines count',
      ),
  )
    .option('--strace-seconds <n>', 'strace sample length, 0-10 (0: no trace)', '0')
    .option('--probe-host <name>', 'host name to resolve in net.dns')
    .option('-o, --output <file>', 'write the bundle here instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  npx paramedic collect -o bundle.json\n  npx paramedic collect --container web --incident-time 2026-12-02T12:00:00Z --since 30\n  DOCKER_HOST=unix:///tmp/d.sock npx paramedic collect --daemon-log /var/log/dockerd.log --strace-seconds 3\n',
    )
    .action(async (flags: CollectFlags) => {
      if (flags.platform !== 'docker' && flags.platform !== 'eks') {
        complain(`--platform must be docker or eks, got "${flags.platform}"`);
        process.exitCode = 2;
        return;
      }
      if (flags.platform === 'eks' && flags.container) {
        complain('--container applies to --platform docker only; on EKS pass --pid');
        process.exitCode = 2;
        return;
      }
      if (flags.platform === 'eks' && flags.daemonLog) {
        complain(
          '--daemon-log applies to --platform docker only; on EKS pass --kubelet-log or --containerd-log',
        );
        process.exitCode = 2;
        return;
      }
      const eksOnly = (
        [
          ['--kubelet-log', flags.kubeletLog],
          ['--ipamd-log', flags.ipamdLog],
          ['--policy-agent-log', flags.policyAgentLog],
        ] as const
      ).find(([, value]) => value);
      if (flags.platform === 'docker' && eksOnly) {
        complain(`${eksOnly[0]} applies to --platform eks only`);
        process.exitCode = 2;
        return;
      }
      let parameters: Record<string, string>;
      try {
        parameters = {
          ...collectorLogsOf(flags)[flags.platform],
          sinceMinutes: flags.since ?? '15',
          straceSeconds: flags.straceSeconds ?? '0',
          ...incidentParameters({
            incidentTime: flags.incidentTime,
            remediatedAt: flags.remediatedAt,
          }),
        };
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = 2;
        return;
      }
      if (flags.container) parameters.container = flags.container;
      if (flags.pid) parameters.pid = flags.pid;
      if (flags.probeHost) parameters.probeHost = flags.probeHost;
      try {
        progress(
          `collecting ${flags.platform} evidence on this machine (every check runs under a timeout; 20-35 s)…`,
        );
        const { bundle, result } = await collectEvidence({
          platform: flags.platform,
          parameters,
          runner: new LocalCommandRunner(),
        });
        const text = `${JSON.stringify(bundle, null, 2)}\n`;
        const summary = `${Object.keys(bundle.sections).length} sections, ${text.length} bytes, ${((result.durationMs ?? 0) / 1000).toFixed(1)} s`;
        if (flags.output) {
          writeFileSync(flags.output, text);
          process.stderr.write(`${dim(`collected ${summary} -> ${flags.output}`)}\n`);
        } else {
          process.stdout.write(text);
          process.stderr.write(`${dim(`collected ${summary}`)}\n`);
        }
      } catch (error) {
        // A flag's value the collector document refuses is the caller's input: a usage error
        // naming the flag, not the document's parameter.
        if (error instanceof DocumentParameterError) {
          const flag = FLAG_OF_PARAMETER[error.parameter];
          usageError(
            flag
              ? error.message.replace(`${error.documentName} parameter ${error.parameter}`, flag)
              : error.message,
          );
          return;
        }
        complain((error as Error).message);
        process.exitCode = 1;
      }
    });
}

/** The flag each collector parameter comes from (log flags carry their own names in their checks). */
const FLAG_OF_PARAMETER: Readonly<Record<string, string>> = {
  sinceMinutes: '--since',
  straceSeconds: '--strace-seconds',
  container: '--container',
  pid: '--pid',
  probeHost: '--probe-host',
};
