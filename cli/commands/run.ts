import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolveDataDir } from '../../lambdas/adapters/local/data-dir.js';
import { CollectorLogsNotReadError, manualRun } from '../../lambdas/local/triage.js';
import { parseTarget, TARGET_GRAMMAR } from '../../lambdas/core/workflow/targets.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { complain, EXIT, failWith, progress, usageError } from '../output.js';
import { approvalPolicyFromFlags, kubeconfigOf } from './triage.js';
import { formatTriageReport } from './triage-report.js';
import {
  collectorLogsOf,
  unreadCollectorLogFlagsMessage,
  withApprovalOptions,
  withAwsOptions,
  withCollectorLogOptions,
  withLocalStoreOptions,
  type CollectorLogFlags,
} from '../options.js';
import type { CollectorLogPaths } from '../../lambdas/core/workflow/config.js';

interface RunFlags extends CollectorLogFlags {
  aws?: boolean;
  stack?: string;
  region?: string;
  wait?: boolean;
  poll: string;
  target: string;
  execute?: boolean;
  dataDir?: string;
  runbooks: string;
  json?: boolean;
  approveAs?: string;
  rejectAs?: string;
  waitApproval?: string;
  as?: string;
  kubeconfig?: string;
  context?: string;
}

/** `paramedic run <runbookId> --target <local|instance id|node> [--execute]` */
export function registerRunCommand(program: Command): void {
  withAwsOptions(
    withCollectorLogOptions(withLocalStoreOptions(withApprovalOptions(program.command('run')))),
    'start the run on the deployed state machine (names from the stack outputs; you are recorded as your IAM principal)',
  )
    .option('--wait', 'with --aws: poll the execution until it ends and print its outcome')
    .option('--poll <seconds>', 'with --aws --wait: seconds between polls', '5')
    .description(
      "Run a runbook's remediation on a target by hand, through the same workflow; a dry run (showing which documents and commands would run on which targets) unless --execute",
    )
    .argument('<runbookId>', 'the runbook, e.g. disk-full')
    .requiredOption('--target <target>', TARGET_GRAMMAR)
    .option(
      '--execute',
      'really run it (only on target "local" here; other targets with --aws, through the deployed stack)',
    )
    .option('--as <who>', 'who invokes the run (default: your user name)')
    .option(
      '--kubeconfig <file>',
      'EKS targets (eks:<cluster>/<node>): read and act on the cluster through this kubeconfig',
    )
    .option('--context <name>', 'with --kubeconfig: the context to use (default: current-context)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npx paramedic run disk-full --target i-0a1b2c3d4e5f60718\n  npx paramedic run docker-daemon-down --target local --execute --approve-as alice\n  npx paramedic run disk-full --target i-0a1b2c3d4e5f60718 --aws --wait\n',
    )
    .action(async (runbookId: string, flags: RunFlags) => {
      let collectorLogs: CollectorLogPaths;
      try {
        collectorLogs = collectorLogsOf(flags);
      } catch (error) {
        usageError((error as Error).message);
        return;
      }
      // A misspelt runbook is the caller's input: refused here, before a run (or, with --aws, an
      // execution that Intake would fail) starts. The deployment's runbooks are built from these.
      try {
        if (!loadRulebook(flags.runbooks).runbooks.some((r) => r.id === runbookId)) {
          usageError(`unknown runbook ${runbookId}; list them with "npx paramedic runbooks list"`);
          return;
        }
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = EXIT.failure;
        return;
      }
      if (flags.aws) {
        if (Object.keys(collectorLogs).length) {
          usageError(
            '--daemon-log and the other log flags are local only: a deployment reads them from its collectorLogs setting',
          );
          return;
        }
        await runOnAws(runbookId, flags);
        return;
      }
      if (flags.wait || flags.stack) {
        usageError('--wait and --stack go with --aws (a local run always waits)');
        return;
      }
      let approval: ReturnType<typeof approvalPolicyFromFlags>;
      try {
        parseTarget(flags.target);
        approval = approvalPolicyFromFlags(flags);
      } catch (error) {
        usageError((error as Error).message);
        return;
      }
      try {
        const rulebook = loadRulebook(flags.runbooks);
        const dataDir = resolveDataDir(flags.dataDir);
        const actor = `user:${flags.as ?? userInfo().username}`;
        const result = await manualRun(runbookId, flags.target, actor, {
          dataDir,
          rulebook,
          approval,
          mode: flags.execute ? 'execute' : 'dry-run',
          print: progress,
          ...kubeconfigOf(flags),
          collectorLogs,
        });
        if (flags.json)
          process.stdout.write(
            `${JSON.stringify({ executionId: result.executionId, status: result.record.status, path: result.record.path.map((p) => p.state), output: result.output, entries: result.entries })}\n`,
          );
        else
          process.stdout.write(
            formatTriageReport(
              result.entries,
              result.record,
              new Map(rulebook.runbooks.map((r) => [r.id, r])),
              dataDir,
              'Paramedic run',
            ),
          );
        if (result.record.status !== 'SUCCEEDED') process.exitCode = 1;
      } catch (error) {
        if (error instanceof CollectorLogsNotReadError) {
          usageError(unreadCollectorLogFlagsMessage(error.names, error.platforms));
          return;
        }
        complain((error as Error).message);
        process.exitCode = EXIT.failure;
      }
    });
}

const LOCAL_ONLY: readonly (keyof RunFlags)[] = [
  'approveAs',
  'rejectAs',
  'waitApproval',
  'as',
  'kubeconfig',
  'context',
  'dataDir',
];

/** `run --aws`: StartExecution on the deployed workflow (SDK loaded only here). */
async function runOnAws(runbookId: string, flags: RunFlags): Promise<void> {
  const local = LOCAL_ONLY.find((k) => flags[k] !== undefined);
  if (local) {
    usageError(
      `--${local.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for local runs; with --aws the deployed stack runs it, you are recorded as your IAM principal and approvals are answered with "paramedic approve|reject <execution> --aws"`,
    );
    return;
  }
  const pollSeconds = Number(flags.poll);
  if (!(Number.isFinite(pollSeconds) && pollSeconds >= 1 && pollSeconds <= 300)) {
    usageError(`--poll must be 1..300 seconds, got "${flags.poll}"`);
    return;
  }
  try {
    const [{ AwsSession }, { startRunOnAws }] = await Promise.all([
      import('../aws/aws-session.js'),
      import('../aws/run-on-aws.js'),
    ]);
    const result = await startRunOnAws(
      new AwsSession(flags),
      { runbookId, target: flags.target, mode: flags.execute ? 'execute' : 'dry-run' },
      flags.wait ? { pollMs: pollSeconds * 1000, print: progress } : undefined,
    );
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `${result.executionArn}\n${flags.wait ? `${result.status}${result.outcome ? ` outcome ${result.outcome}` : ''}${result.error ? ` (${result.error})` : ''}\n` : ''}`,
      );
    if (flags.wait && result.status !== 'SUCCEEDED') process.exitCode = EXIT.failure;
  } catch (error) {
    failWith(error);
  }
}
