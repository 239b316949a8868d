import type { Command } from 'commander';
import { DEFAULT_RUNBOOK_DIR } from '../lambdas/adapters/local/runbook-directory.js';
import { LOG_FILE_PATTERN, LOG_FILE_RULE } from '../lambdas/core/collection/collector-documents.js';
import type { CollectorLogPaths } from '../lambdas/core/workflow/config.js';

/** `--data-dir` and `--runbooks`: where the local pipeline keeps its store and reads its runbooks. */
export function withLocalStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default $PARAMEDIC_HOME or ./.paramedic)')
    .option('--runbooks <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR);
}

/** How a run answers approval requests on the command line. */
export function withApprovalOptions(command: Command, waitDefault = ''): Command {
  return command
    .option('--approve-as <who>', 'answer an approval request as approved by <who>')
    .option('--reject-as <who>', 'answer an approval request as rejected by <who>')
    .option(
      '--wait-approval <seconds>',
      `wait this long for an approve/reject from the console${waitDefault}`,
    );
}

/** `--aws` with where to find the deployment: `--stack` and `--region` (names come from the stack outputs). */
export function withAwsOptions(command: Command, what: string): Command {
  return command
    .option('--aws', what)
    .option(
      '--stack <deployment>',
      'with --aws: the deployment (cdk deploy -c deploymentName=…) or a stack name like ParamedicPipeline-prod (default $PARAMEDIC_STACK, else the unnamed deployment)',
    )
    .option(
      '--region <region>',
      'with --aws: the AWS region of the stack (default: $AWS_REGION or your profile)',
    );
}

/** {@link withAwsOptions} plus `--table`/`--bucket`, which override the stack outputs (audit, console). */
export function withAwsTrailOptions(command: Command, what: string): Command {
  return withAwsOptions(command, what)
    .option(
      '--table <name>',
      'with --aws: the audit table (default $PARAMEDIC_AUDIT_TABLE, else the stack output AuditTableName)',
    )
    .option(
      '--bucket <name>',
      'with --aws: the evidence bucket (default $PARAMEDIC_EVIDENCE_BUCKET, else the stack output EvidenceBucketName)',
    );
}

/** The log-file flags of {@link withCollectorLogOptions}, as commander names them. */
export interface CollectorLogFlags {
  daemonLog?: string;
  containerdLog?: string;
  kubeletLog?: string;
  ipamdLog?: string;
  policyAgentLog?: string;
}

/** Flag of each collector log parameter, and the platforms whose collector reads it. */
const COLLECTOR_LOG_FLAGS = [
  ['daemonLog', '--daemon-log', ['docker']],
  ['containerdLog', '--containerd-log', ['docker', 'eks']],
  ['kubeletLog', '--kubelet-log', ['eks']],
  ['ipamdLog', '--ipamd-log', ['eks']],
  ['policyAgentLog', '--policy-agent-log', ['eks']],
] as const;

/** The flags that give `names` (collector log parameters: `kubeletLog` …), for a message. */
export function collectorLogFlagsOf(names: readonly string[]): string[] {
  return COLLECTOR_LOG_FLAGS.filter(([name]) => names.includes(name)).map(([, flag]) => flag);
}

const PLATFORM_NOUNS = { docker: 'Docker hosts', eks: 'EKS nodes' } as const;

/** The usage error for log flags whose platform none of the run's targets is on. */
export function unreadCollectorLogFlagsMessage(
  names: readonly string[],
  platforms: readonly (keyof typeof PLATFORM_NOUNS)[],
): string {
  const flags = collectorLogFlagsOf(names);
  return `${flags.join(', ')}: this run's targets are ${platforms.map((p) => PLATFORM_NOUNS[p]).join(' and ')}, whose collector does not read ${flags.length > 1 ? 'them' : 'it'}; drop ${flags.length > 1 ? 'them' : 'it'} or name a target on the platform ${flags.length > 1 ? 'they are' : 'it is'} for`;
}

/** `--daemon-log`, `--containerd-log`, `--kubelet-log`, `--ipamd-log`, `--policy-agent-log`: where the collector finds a daemon's log when it is neither in the journal nor a usual file. */
export function withCollectorLogOptions(command: Command): Command {
  return command
    .option(
      '--daemon-log <file>',
      'dockerd log file, when it is neither in the journal nor a usual /var/log file (docker)',
    )
    .option('--containerd-log <file>', 'containerd log file, likewise')
    .option('--kubelet-log <file>', 'kubelet log file, likewise (eks)')
    .option(
      '--ipamd-log <file>',
      "the VPC CNI's ipamd log, when not at /var/log/aws-routed-eni/ipamd.log (eks)",
    )
    .option(
      '--policy-agent-log <file>',
      "the VPC CNI network policy agent's log, when not at /var/log/aws-routed-eni/network-policy-agent.log (eks)",
    );
}

/** A log flag's value the collector would refuse; the message names the flag and the form it takes. */
export class CollectorLogFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectorLogFlagError';
  }
}

/**
 * The collector log parameters the flags give, per platform (a run's targets decide which applies).
 * @throws CollectorLogFlagError naming the flag when a value is not an absolute path the collector accepts.
 */
export function collectorLogsOf(flags: CollectorLogFlags): CollectorLogPaths {
  const out: { docker?: Record<string, string>; eks?: Record<string, string> } = {};
  for (const [name, flag, platforms] of COLLECTOR_LOG_FLAGS) {
    const file = flags[name];
    if (file === undefined) continue;
    if (!new RegExp(LOG_FILE_PATTERN).test(file))
      throw new CollectorLogFlagError(
        `${flag} ${JSON.stringify(file)}: give ${LOG_FILE_RULE}, e.g. /var/log/docker.log`,
      );
    for (const platform of platforms) out[platform] = { ...out[platform], [name]: file };
  }
  return out;
}
