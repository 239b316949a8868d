import type { Command } from 'commander';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import type { AuditEntry } from '../../lambdas/core/audit/audit-entry.js';
import type { EvidenceRef } from '../../lambdas/core/ports.js';
import { viewExecution } from '../../lambdas/core/audit/execution-summary.js';
import { resolveDataDir } from '../../lambdas/adapters/local/data-dir.js';
import { ExecutionRecords } from '../../lambdas/local/execute-workflow.js';
import { LocalAuditStore } from '../../lambdas/adapters/local/local-audit-store.js';
import { LocalEvidenceStore } from '../../lambdas/adapters/local/local-evidence-store.js';
import {
  CollectorLogsNotReadError,
  triageAlarm,
  triageReplay,
  type TriageResult,
} from '../../lambdas/local/triage.js';
import type { ApprovalPolicy } from '../../lambdas/adapters/local/local-approval-gate.js';
import { isValidActor } from '../../lambdas/adapters/local/local-approvals.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { bold, complain, dim, EXIT, green, progress, usageError, yellow } from '../output.js';
import { formatTriageReport } from './triage-report.js';
import {
  collectorLogsOf,
  unreadCollectorLogFlagsMessage,
  withApprovalOptions,
  withCollectorLogOptions,
  withLocalStoreOptions,
  type CollectorLogFlags,
} from '../options.js';
import type { CollectorLogPaths } from '../../lambdas/core/workflow/config.js';
import { loadDeferredReadersFor } from '../../lambdas/core/classify/facts/load-deferred-readers-for.js';

interface TriageFlags extends CollectorLogFlags {
  alarm?: string;
  replay?: string;
  replayAudit?: boolean;
  dataDir?: string;
  execute?: boolean;
  approveAs?: string;
  rejectAs?: string;
  waitApproval?: string;
  json?: boolean;
  runbooks: string;
  failOnChange?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** `{ kubeconfig }` for the local run when `--kubeconfig` was given (`--context` picks its context). */
export function kubeconfigOf(flags: { kubeconfig?: string; context?: string }): {
  kubeconfig?: { file: string; context?: string };
} {
  return flags.kubeconfig
    ? {
        kubeconfig: {
          file: flags.kubeconfig,
          ...(flags.context ? { context: flags.context } : {}),
        },
      }
    : {};
}

/** Reads the approval flags into a policy; throws on contradictions. */
export function approvalPolicyFromFlags(flags: {
  approveAs?: string;
  rejectAs?: string;
  waitApproval?: string;
}): ApprovalPolicy {
  const given = [flags.approveAs, flags.rejectAs, flags.waitApproval].filter(
    (v) => v !== undefined,
  ).length;
  if (given > 1) throw new Error('use only one of --approve-as, --reject-as, --wait-approval');
  for (const who of [flags.approveAs, flags.rejectAs])
    if (who !== undefined && !isValidActor(who))
      throw new Error(`approver ${JSON.stringify(who)} is invalid: use a user name`);
  if (flags.approveAs) return { kind: 'approve', by: flags.approveAs };
  if (flags.rejectAs) return { kind: 'reject', by: flags.rejectAs };
  if (flags.waitApproval !== undefined) {
    const seconds = Number(flags.waitApproval);
    if (!(Number.isInteger(seconds) && seconds >= 0 && seconds <= 86_400))
      throw new Error(
        `--wait-approval must be whole seconds in 0..86400, got "${flags.waitApproval}"`,
      );
    return { kind: 'wait', seconds };
  }
  return { kind: 'none' };
}

/** One audited incident re-classified with the current runbooks. */
export interface ReclassifiedIncident {
  executionId: string;
  target?: string;
  before: string | null;
  now: string | null;
  changed: boolean;
  note?: string;
}

/** Re-classifies every audited incident that has stored evidence, with the current runbooks. */
export async function replayAudit(
  dataDir: string,
  runbookDir: string,
): Promise<ReclassifiedIncident[]> {
  const rulebook = loadRulebook(runbookDir);
  const audit = new LocalAuditStore(dataDir);
  const evidence = new LocalEvidenceStore(dataDir);
  const byExecution = new Map<string, AuditEntry[]>();
  for (const e of await audit.all())
    byExecution.set(e.executionId, [...(byExecution.get(e.executionId) ?? []), e]);
  const out: ReclassifiedIncident[] = [];
  for (const [executionId, entries] of byExecution) {
    const view = viewExecution(entries);
    const ref = view.collected.find((c) => c.ref)?.ref;
    if (!view.classification || view.classification.forced || !ref) continue;
    const before = view.classification.runbookId;
    try {
      const bundle = await evidence.get(ref as EvidenceRef);
      await loadDeferredReadersFor(bundle);
      const now = classifyEvidence(rulebook, bundle).matches[0]?.runbookId ?? null;
      out.push({ executionId, target: view.summary.target, before, now, changed: before !== now });
    } catch (error) {
      out.push({
        executionId,
        target: view.summary.target,
        before,
        now: null,
        changed: true,
        note: (error as Error).message,
      });
    }
  }
  return out;
}

function printResult(result: TriageResult, runbookDir: string, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ executionId: result.executionId, status: result.record.status, path: result.record.path.map((p) => p.state), output: result.output, entries: result.entries })}\n`,
    );
    return;
  }
  const rulebook = loadRulebook(runbookDir);
  process.stdout.write(
    formatTriageReport(
      result.entries,
      result.record,
      new Map(rulebook.runbooks.map((r) => [r.id, r])),
      result.dataDir,
    ),
  );
}

/** `paramedic triage --alarm <event.json> | --replay <bundle.json> | --replay-audit` */
export function registerTriageCommand(program: Command): void {
  withCollectorLogOptions(
    withLocalStoreOptions(
      withApprovalOptions(program.command('triage'), ' (default: time out at once)'),
    ),
  )
    .description(
      'Run the whole pipeline locally: on a CloudWatch alarm event (collecting from this machine), on a recorded evidence bundle, or re-classify every audited incident',
    )
    .option(
      '--alarm <event.json>',
      'a CloudWatch "Alarm State Change" event; evidence is collected from this machine',
    )
    .option(
      '--replay <bundle.json>',
      'a recorded evidence bundle (or labelled case); always a dry run',
    )
    .option(
      '--replay-audit',
      're-classify every audited incident with the current runbooks and show which classifications would change',
    )
    .option(
      '--execute',
      'with --alarm: really run the remediation on this machine (default: dry run)',
    )
    .option('--fail-on-change', 'with --replay-audit: exit 1 when a classification would change')
    .option(
      '--kubeconfig <file>',
      "read and act on the cluster an EKS alarm names through this kubeconfig (the k8s.* view, cordon/drain, Verify's re-read)",
    )
    .option('--context <name>', 'with --kubeconfig: the context to use (default: current-context)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npx paramedic triage --replay test/integration/local/fixtures/disk-full-docker-host.json\n  npx paramedic triage --alarm test/fixtures/alarms/ec2-status-check-failed.json\n  npx paramedic triage --replay-audit\n',
    )
    .action(async (flags: TriageFlags) => {
      const modes = [flags.alarm, flags.replay, flags.replayAudit].filter(Boolean).length;
      if (modes !== 1) {
        usageError(
          'give exactly one of --alarm <event.json>, --replay <bundle.json>, --replay-audit',
        );
        return;
      }
      if (flags.execute && !flags.alarm) {
        usageError('--execute only applies to --alarm (a replay never changes this machine)');
        return;
      }
      let approval: ApprovalPolicy;
      let collectorLogs: CollectorLogPaths;
      try {
        approval = approvalPolicyFromFlags(flags);
        collectorLogs = collectorLogsOf(flags);
      } catch (error) {
        usageError((error as Error).message);
        return;
      }
      if (!flags.alarm && Object.keys(collectorLogs).length) {
        usageError(
          '--daemon-log and the other log flags apply to --alarm only: a replay collects nothing',
        );
        return;
      }
      const dataDir = resolveDataDir(flags.dataDir);
      try {
        if (flags.replayAudit) {
          const rows = await replayAudit(dataDir, flags.runbooks);
          if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
          else {
            process.stdout.write(
              `${bold('Re-classified')} ${rows.length} audited incident(s) with the runbooks in ${flags.runbooks}\n`,
            );
            for (const r of rows)
              process.stdout.write(
                `  ${r.changed ? yellow('CHANGED') : green('same   ')}  ${r.executionId}  ${r.target ?? ''}  ${r.before ?? 'unclassified'}${r.changed ? ` → ${r.now ?? 'unclassified'}` : ''}${r.note ? dim(` (${r.note})`) : ''}\n`,
              );
            const changed = rows.filter((r) => r.changed).length;
            process.stdout.write(`${changed} would change, ${rows.length - changed} unchanged\n`);
          }
          if (flags.failOnChange && rows.some((r) => r.changed)) process.exitCode = 1;
          return;
        }
        const rulebook = loadRulebook(flags.runbooks);
        // Notifications and the states the workflow enters are progress: shown on a terminal only.
        const common = {
          dataDir,
          rulebook,
          approval,
          print: progress,
          onState: (step: { state: string }) => progress(`  … ${step.state}`),
          ...kubeconfigOf(flags),
          collectorLogs,
        };
        if (flags.alarm)
          progress(
            `collecting evidence on this machine for ${flags.alarm} (the collector takes 20-35 s)…`,
          );
        const result = flags.replay
          ? await triageReplay(flags.replay, common)
          : await triageAlarm(flags.alarm!, {
              ...common,
              mode: flags.execute ? 'execute' : 'dry-run',
            });
        printResult(result, flags.runbooks, Boolean(flags.json));
        if (result.record.status !== 'SUCCEEDED') process.exitCode = 1;
      } catch (error) {
        if (error instanceof CollectorLogsNotReadError) {
          usageError(unreadCollectorLogFlagsMessage(error.names, error.platforms));
          return;
        }
        // JSON.parse names no file; the operator needs to know which input is broken.
        const input = flags.replay ?? flags.alarm;
        complain(
          error instanceof SyntaxError && input
            ? `${input}: not valid JSON (${error.message})`
            : (error as Error).message,
        );
        process.exitCode = EXIT.failure;
      }
    });
}

/** Re-exported for the run command and tests. */
export { ExecutionRecords };
