import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolveDataDir } from '../../lambdas/adapters/local/data-dir.js';
import { manualRun } from '../../lambdas/local/triage.js';
import { parseTarget, TARGET_GRAMMAR } from '../../lambdas/core/workflow/targets.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { complain, EXIT, progress, usageError } from '../output.js';
import { approvalPolicyFromFlags, kubeconfigOf } from './triage.js';
import { formatTriageReport } from './triage-report.js';
import { withApprovalOptions, withLocalStoreOptions } from '../options.js';

interface RunFlags { target: string; execute?: boolean; dataDir?: string; runbooks: string; json?: boolean; approveAs?: string; rejectAs?: string; waitApproval?: string; as?: string; kubeconfig?: string; context?: string }

/** `paramedic run <runbookId> --target <local|instance id|node> [--execute]` */
export function registerRunCommand(program: Command): void {
  withLocalStoreOptions(withApprovalOptions(program.command('run')))
    .description('Run a runbook\'s remediation on a target by hand, through the same workflow; a dry run (showing which documents and commands would run on which targets) unless --execute')
    .argument('<runbookId>', 'the runbook, e.g. disk-full')
    .requiredOption('--target <target>', TARGET_GRAMMAR)
    .option('--execute', 'really run it (only on target "local" here; other targets through the deployed stack)')
    .option('--as <who>', 'who invokes the run (default: your user name)')
    .option('--kubeconfig <file>', 'EKS targets (eks:<cluster>/<node>): read and act on the cluster through this kubeconfig')
    .option('--context <name>', 'with --kubeconfig: the context to use (default: current-context)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx paramedic run disk-full --target i-0a1b2c3d4e5f60718\n  npx paramedic run docker-daemon-down --target local --execute --approve-as alice\n')
    .action(async (runbookId: string, flags: RunFlags) => {
      let approval;
      try {
        parseTarget(flags.target);
        approval = approvalPolicyFromFlags(flags);
      } catch (error) { usageError((error as Error).message); return; }
      try {
        const rulebook = loadRulebook(flags.runbooks);
        const dataDir = resolveDataDir(flags.dataDir);
        const actor = `user:${flags.as ?? userInfo().username}`;
        const result = await manualRun(runbookId, flags.target, actor, {
          dataDir, rulebook, approval, mode: flags.execute ? 'execute' : 'dry-run', print: progress, ...kubeconfigOf(flags),
        });
        if (flags.json) process.stdout.write(`${JSON.stringify({ executionId: result.executionId, status: result.record.status, path: result.record.path.map((p) => p.state), output: result.output, entries: result.entries })}\n`);
        else process.stdout.write(formatTriageReport(result.entries, result.record, new Map(rulebook.runbooks.map((r) => [r.id, r])), dataDir, 'Paramedic run'));
        if (result.record.status !== 'SUCCEEDED') process.exitCode = 1;
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = EXIT.failure;
      }
    });
}
