import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type {
  AuditEntry,
  AuditFilter,
  AuditOutcome,
} from '../../lambdas/core/audit/audit-entry.js';
import { AUDIT_OUTCOMES } from '../../lambdas/core/workflow/model.js';
import { resolveDataDir } from '../../lambdas/adapters/local/data-dir.js';
import {
  listExecutions,
  parseSince,
  summarizeExecution,
} from '../../lambdas/core/audit/execution-summary.js';
import {
  formatDuration,
  formatRate,
  outcomeStats,
  type OutcomeStats,
} from '../../lambdas/core/audit/outcome-stats.js';
import { ExecutionRecords } from '../../lambdas/local/execute-workflow.js';
import { LocalAuditStore } from '../../lambdas/adapters/local/local-audit-store.js';
import { bold, complain, cyan, dim, failWith, green, red, usageError, yellow } from '../output.js';
import { openAuditSource, type AuditSource, type AwsAuditOptions } from './audit-source.js';
import { withAwsTrailOptions } from '../options.js';

interface CommonFlags extends AwsAuditOptions {
  dataDir?: string;
  aws?: boolean;
  json?: boolean;
}
interface ListFlags extends CommonFlags {
  target?: string;
  runbook?: string;
  outcome?: string;
  since?: string;
  limit: string;
}

function withSourceOptions(cmd: Command): Command {
  return withAwsTrailOptions(
    cmd.option('--data-dir <dir>', 'data directory (default $PARAMEDIC_HOME or ./.paramedic)'),
    "read the deployed stack's DynamoDB table and S3 bucket with your AWS credentials",
  );
}

/** Builds the filter of `audit list`, rejecting bad values with what would be right. */
export function auditFilterFromFlags(flags: {
  target?: string;
  runbook?: string;
  outcome?: string;
  since?: string;
  limit?: string;
}): AuditFilter {
  if (flags.outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(flags.outcome))
    throw new Error(
      `--outcome must be one of ${AUDIT_OUTCOMES.join(', ')}, got "${flags.outcome}"`,
    );
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new Error(`--limit must be a positive whole number, got "${flags.limit}"`);
  return {
    target: flags.target,
    runbookId: flags.runbook,
    outcome: flags.outcome as AuditOutcome | undefined,
    since: flags.since ? parseSince(flags.since, new Date()) : undefined,
    limit,
  };
}

/**
 * `audit list` and `show` read the trail as it is; a reader must not take an edited record at its
 * word, so both warn (stderr, the listing still prints) when the hash chain is broken.
 */
async function warnIfChainBroken(source: AuditSource): Promise<void> {
  const report = await source.audit.verify();
  if (report.ok) return;
  complain(
    `warning: the audit chain is broken at record seq ${report.firstBroken!.seq} (${report.firstBroken!.reason}); records from there on are untrusted. Run "npx paramedic audit verify"`,
  );
}

const outcomeColour = (o?: string) =>
  o === 'remediated'
    ? green
    : o === 'failed' || o === 'escalated' || o === 'rejected'
      ? red
      : yellow;

/** One line of `audit show`'s timeline. */
export function describeEntry(e: AuditEntry): string {
  try {
    return describeTyped(e);
  } catch {
    // Entries written before the payloads were typed (other fields): show them raw rather than fail.
    return JSON.stringify(e.data).slice(0, 120);
  }
}

function describeTyped(e: AuditEntry): string {
  switch (e.type) {
    case 'triggered':
      return `${e.data.summary} (${e.data.mode}; targets ${e.data.targets.map((t) => t.id).join(', ') || 'none'})`;
    case 'deduplicated':
      return `duplicate of event ${e.data.eventId ?? '?'}: ${e.data.summary}`;
    case 'refused':
      return e.data.summary;
    case 'locked':
      return e.data.acquired
        ? `lock taken on ${(e.data.targets ?? []).join(', ')} (attempt ${e.data.attempts})`
        : `${e.data.busy ?? 'a target'} is held by another execution (attempt ${e.data.attempts})`;
    case 'collected':
      return (
        e.data.evidence
          .map((c) =>
            c.ref
              ? `${c.target}: ${c.sectionNames?.length ?? 0} sections sha256 ${c.ref.sha256.slice(0, 12)}… (${e.data.how})`
              : `${c.target}: ${c.status}${c.error ? ` — ${c.error.split('\n')[0]!.slice(0, 80)}` : ''}`,
          )
          .join('; ') || 'no target'
      );
    case 'classified': {
      const proof = e.data.targets
        .flatMap((t) => t.matches)
        .find((m) => m.runbookId === e.data.runbookId)?.evidence[0];
      if (!e.data.runbookId) return 'unclassified';
      return `${e.data.runbookId}${e.data.confidence !== null ? ` ${e.data.confidence.toFixed(2)}` : ''}${e.data.forced ? ' (chosen by the operator)' : ''}${proof ? ` — ${proof.section}:${proof.line} ${proof.text.slice(0, 80)}` : ''}`;
    }
    case 'planned':
      return `${e.data.plan.decision}: ${e.data.plan.steps.map((s) => s.action).join(', ') || 'no steps'}`;
    case 'approval-requested':
      return `approval requested for ${e.data.plan.steps.join(', ') || 'no steps'} (times out after ${e.data.timeoutSeconds} s)`;
    case 'approval':
      return `${e.data.timedOut ? 'timed out' : e.data.approved ? 'approved' : 'rejected'} by ${e.data.approver} at ${e.data.at}`;
    case 'step-started':
      return `step ${e.data.step + 1} ${e.data.action} starting on ${e.data.targets.slice(0, 20).join(', ')}${e.data.targets.length > 20 ? ` and ${e.data.targets.length - 20} more` : ''}`;
    case 'step':
      return `step ${e.data.step + 1} ${e.data.action}: ${e.data.outcomes.map((o) => `${o.target} ${o.status}${o.durationMs !== undefined ? ` in ${o.durationMs} ms` : ''}`).join(', ')}`;
    case 'verified':
      return e.data.cleared ? `cleared: ${e.data.reason}` : `still failing: ${e.data.reason}`;
    case 'preconditions':
      return e.data.held.length
        ? `held back: ${e.data.held
            .map((h) => `${h.target} (${h.reason})`)
            .join('; ')
            .slice(0, 200)}`
        : `all ${e.data.results.length} precondition checks held`;
    case 'escalated':
      return `${e.data.reason}${e.data.rolledBack === 'unknown' ? ' (rollback cut short: check the hosts)' : e.data.rolledBack ? ` (completed steps ${e.data.rolledBack})` : ''}`;
    case 'rolling-back':
      return `undoing ${e.data.steps.map((s) => `step ${s.undoes + 1} with ${s.action}`).join(', ')}${e.data.outcomeUnknown?.length ? ` (outcome of step ${e.data.outcomeUnknown.map((i) => i + 1).join(', ')} never recorded: undone in case it ran)` : ''}`;
    case 'rolled-back':
      return e.data.status === 'unknown'
        ? `unknown: ${e.data.check ?? 'an earlier attempt stopped mid-rollback: check the hosts'}`
        : `${e.data.status}: ${e.data.steps.map((s) => `undid step ${s.undoes + 1} with ${s.action}`).join(', ') || 'nothing to undo'}`;
    case 'released': {
      const freed = e.data.released.length
        ? `lock released on ${e.data.released.slice(0, 20).join(', ')}${e.data.released.length > 20 ? ` and ${e.data.released.length - 20} more` : ''}`
        : 'no lock was held';
      const notHeld = e.data.notHeld?.length
        ? `; no longer held on ${e.data.notHeld.slice(0, 20).join(', ')}${e.data.notHeld.length > 20 ? ` and ${e.data.notHeld.length - 20} more` : ''} (${e.data.retried ? 'an earlier attempt freed it or its lease ran out' : 'its lease ran out: another run may have acted on it'})`
        : '';
      const retry = e.data.retried ? ' (retried step)' : '';
      return e.data.failed?.length
        ? `${freed}${notHeld}; NOT released on ${e.data.failed.slice(0, 20).join(', ')}${e.data.failed.length > 20 ? ` and ${e.data.failed.length - 20} more` : ''} (${e.data.error ?? 'unknown error'})${retry}`
        : `${freed}${notHeld}${retry}`;
    }
    case 'notify-failed':
      return `${e.data.kind} notification not sent: ${e.data.error.name} ${e.data.error.message}`.slice(
        0,
        200,
      );
    case 'event-unpublished':
      return `status event ${e.data.status} not published: ${e.data.errors
        .map((x) => `${x.errorCode} ${x.errorMessage}`)
        .join('; ')
        .slice(0, 160)}`;
    case 'interrupted':
      return `interrupted: ${e.data.reason} (started ${e.data.startedAt})`;
    case 'anchored':
      return `head anchor created at seq ${e.data.seq}: ${e.data.reason}`;
    case 'completed':
      return `outcome ${e.outcome} in ${e.data.durationMs} ms${e.data.releaseFailure ? `; locks NOT released: ${e.data.releaseFailure.Error}` : ''}`;
  }
}

/** The table of `audit stats`. */
function printOutcomeStats(stats: OutcomeStats, where: string): void {
  if (stats.total.runs === 0) {
    process.stdout.write(
      `no executions in ${where}${stats.since ? ` since ${stats.since}` : ''}\n`,
    );
    return;
  }
  const head = [
    'RUNBOOK'.padEnd(30),
    'RUNS'.padStart(5),
    'DONE'.padStart(5),
    'VERIFIED'.padStart(9),
    'TO VERIFIED (median/p90)'.padStart(26),
    'AUTO-FIX'.padStart(9),
    'ESCALATED'.padStart(10),
    'ROLLED BACK'.padStart(12),
  ];
  process.stdout.write(`${head.map(bold).join(' ')}\n`);
  for (const r of [...stats.runbooks, stats.total]) {
    const time = r.timeToVerified
      ? `${formatDuration(r.timeToVerified.medianMs)} / ${formatDuration(r.timeToVerified.p90Ms)}`
      : '–';
    const row = [
      r.runbookId.padEnd(30),
      String(r.runs).padStart(5),
      String(r.finished).padStart(5),
      String(r.verified).padStart(9),
      time.padStart(26),
      formatRate(r.autoFixRate).padStart(9),
      formatRate(r.escalationRate).padStart(10),
      formatRate(r.rollbackRate).padStart(12),
    ];
    process.stdout.write(`${r === stats.total ? dim(row.join(' ')) : row.join(' ')}\n`);
  }
  const unknown = stats.total.rollbackUnknownExecutions;
  if (unknown.length > 0) {
    // Not a rollback done: the undos may have run in full, in part or not at all.
    const shown = unknown.slice(0, 10).join(', ');
    const more = unknown.length > 10 ? ` and ${unknown.length - 10} more (--json lists them)` : '';
    process.stdout.write(
      `\n${yellow(`rollback outcome unknown: ${unknown.length} — check each host`)} (an undo cut short, not counted as rolled back; paramedic audit show <execution>): ${shown}${more}\n`,
    );
  }
  process.stdout.write(
    dim(
      `\nrates are over finished runs; time from the alarm (or the start of a manual run) to the verification that cleared it; ${where}\n`,
    ),
  );
}

/** `paramedic audit list|show|verify|export|stats` */
export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'Review the audit trail: list executions, show one as a timeline, verify the hash chain, export JSON lines, outcome figures per runbook',
    );

  withSourceOptions(audit.command('list').description('Executions, newest first'))
    .option('--target <id>', 'only executions on this target (instance id, node, local)')
    .option('--runbook <id>', 'only executions of this runbook')
    .option('--outcome <outcome>', `only this outcome: ${AUDIT_OUTCOMES.join(', ')}`)
    .option('--since <when>', 'ISO time or a duration back from now (30m, 6h, 7d)')
    .option('--limit <n>', 'at most this many executions', '50')
    .option('--json', 'one JSON object per line')
    .action(async (flags: ListFlags) => {
      let filter: AuditFilter;
      try {
        filter = auditFilterFromFlags(flags);
      } catch (error) {
        usageError((error as Error).message);
        return;
      }
      try {
        const source = await openAuditSource({ ...flags, dataDir: resolveDataDir(flags.dataDir) });
        await warnIfChainBroken(source);
        const rows = await listExecutions(source.audit, filter);
        if (flags.json) {
          for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(
            `no executions in ${source.where}${dim(' (run "npx paramedic triage --replay <bundle.json>" to make one)')}\n`,
          );
          return;
        }
        process.stdout.write(
          `${bold('EXECUTION'.padEnd(32))} ${bold('STARTED'.padEnd(20))} ${bold('TARGET'.padEnd(22))} ${bold('RUNBOOK'.padEnd(26))} ${bold('OUTCOME')}\n`,
        );
        for (const r of rows) {
          process.stdout.write(
            `${cyan(r.executionId.padEnd(32))} ${r.startedAt.slice(0, 19).padEnd(20)} ${(r.target ?? '-').padEnd(22)} ${(r.runbookId ?? 'unclassified').padEnd(26)} ${outcomeColour(r.outcome)(r.outcome ?? '-')}\n`,
          );
        }
      } catch (error) {
        failWith(error);
      }
    });

  withSourceOptions(
    audit.command('show').description('One execution as a timeline').argument('<executionId>'),
  )
    .option('--json', 'the entries as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      try {
        const dataDir = resolveDataDir(flags.dataDir);
        const source = await openAuditSource({ ...flags, dataDir });
        await warnIfChainBroken(source);
        const entries = await source.audit.execution(id);
        if (entries.length === 0) {
          complain(
            `no execution ${id} in ${source.where}; list them with "npx paramedic audit list"`,
          );
          process.exitCode = 1;
          return;
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 1)}\n`);
          return;
        }
        const s = summarizeExecution(entries);
        process.stdout.write(
          `${bold(id)}  ${s.target ?? ''}  ${s.runbookId ?? 'unclassified'}  ${outcomeColour(s.outcome)(s.outcome ?? '')}\n${dim(s.summary ?? '')}\n\n`,
        );
        const t0 = Date.parse(entries[0]!.at);
        for (const e of entries) {
          const offset = `+${((Date.parse(e.at) - t0) / 1000).toFixed(3)}s`;
          process.stdout.write(
            `  ${dim(e.at.slice(11, 23))} ${dim(offset.padStart(9))}  ${String(e.seq).padStart(5)}  ${bold(e.type.padEnd(18))} ${e.actor.padEnd(24)} ${describeEntry(e)}\n`,
          );
        }
        const record =
          source.kind === 'local' ? await new ExecutionRecords(dataDir).get(id) : undefined;
        if (record)
          process.stdout.write(
            `\n  ${dim('path:')} ${record.path.map((p) => p.state).join(' → ')}\n`,
          );
      } catch (error) {
        failWith(error);
      }
    });

  withSourceOptions(
    audit.command('verify').description('Check the hash chain; reports the first broken record'),
  )
    .option('--json', 'the report as JSON')
    .action(async (flags: CommonFlags) => {
      try {
        const source = await openAuditSource({ ...flags, dataDir: resolveDataDir(flags.dataDir) });
        const report = await source.audit.verify();
        if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else if (report.ok)
          process.stdout.write(
            `${green('ok')}: ${report.entries} entries, chain intact (${source.where})\n`,
          );
        else
          process.stdout.write(
            `${red('BROKEN')}: record seq ${report.firstBroken!.seq} (execution ${report.firstBroken!.executionId}): ${report.firstBroken!.reason}\n${dim(`${report.entries} entries in ${source.where}; every record from seq ${report.firstBroken!.seq} on is untrusted`)}\n`,
          );
        if (!report.ok) process.exitCode = 1;
      } catch (error) {
        failWith(error);
      }
    });

  audit
    .command('anchor')
    .description(
      'Anchor a local trail written before head anchors existed ("no head anchor"): only an intact chain without an anchor; recorded in the trail',
    )
    .option('--data-dir <dir>', 'data directory (default $PARAMEDIC_HOME or ./.paramedic)')
    .action(async (flags: { dataDir?: string }) => {
      try {
        const store = new LocalAuditStore(resolveDataDir(flags.dataDir));
        const entry = await store.anchor(`user:${userInfo().username}`);
        process.stdout.write(
          `${green('anchored')}: ${entry.data.reason}; the anchor now points at seq ${entry.seq} (this record)\n`,
        );
      } catch (error) {
        failWith(error);
      }
    });

  withSourceOptions(
    audit
      .command('stats')
      .description(
        'Per runbook: runs, time from alarm to verified, auto-fix, escalation and rollback rates',
      ),
  )
    .option(
      '--since <when>',
      'only executions started since: ISO time or a duration back from now (30m, 6h, 7d)',
    )
    .option('--json', 'the figures as JSON')
    .action(async (flags: CommonFlags & { since?: string }) => {
      let since: string | undefined;
      try {
        since = flags.since ? parseSince(flags.since, new Date()) : undefined;
      } catch (error) {
        usageError((error as Error).message);
        return;
      }
      try {
        const source = await openAuditSource({ ...flags, dataDir: resolveDataDir(flags.dataDir) });
        await warnIfChainBroken(source);
        const stats = outcomeStats(await source.audit.list({ limit: 1_000_000 }), since);
        if (flags.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
        else printOutcomeStats(stats, source.where);
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = 1;
      }
    });

  withSourceOptions(
    audit.command('export').description('Every entry as JSON lines (in chain order), to stdout'),
  )
    .option('--since <when>', 'ISO time or a duration back from now (30m, 6h, 7d)')
    .action(async (flags: CommonFlags & { since?: string }) => {
      try {
        const source = await openAuditSource({ ...flags, dataDir: resolveDataDir(flags.dataDir) });
        const since = flags.since ? parseSince(flags.since, new Date()) : undefined;
        const entries =
          source.audit instanceof LocalAuditStore
            ? await source.audit.all()
            : [...(await source.audit.list({ limit: 1_000_000 }))].reverse();
        for (const e of entries)
          if (!since || Date.parse(e.at) >= Date.parse(since))
            process.stdout.write(`${JSON.stringify(e)}\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
