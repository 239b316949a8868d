/** Prints a triage (or manual run) as a readable report, from its audit entries and path. */
import { relative } from 'node:path';
import type { AuditEntry } from '../../lambdas/core/audit/audit-entry.js';
import type { Runbook } from '../../lambdas/core/runbook/model.js';
import type { ExecutionRecord } from '../../lambdas/local/execute-workflow.js';
import { viewExecution } from '../../lambdas/core/audit/execution-summary.js';
import { findCommandDocument } from '../../lambdas/core/collection/collector-documents.js';
import { bold, cyan, dim, green, red, yellow } from '../output.js';

const label = (s: string) => bold(s.padEnd(14));
const indent = ' '.repeat(14);

/** The report of one execution: what fired, what was collected, the classification and its proving lines, the plan, what ran, verification, outcome, where the record is. */
export function formatTriageReport(
  entries: readonly AuditEntry[],
  record: ExecutionRecord | undefined,
  runbooks: ReadonlyMap<string, Runbook>,
  dataDir: string,
  heading = 'Paramedic triage',
): string {
  const out: string[] = [];
  const v = viewExecution(entries);
  const s = v.summary;
  out.push(
    `${bold(heading)} ${cyan(s.executionId)}${record ? dim(`  (workflow: the definition CDK deploys, ${record.status})`) : ''}`,
  );
  out.push(
    `${label('Trigger')}${s.summary ?? s.source ?? '?'} ${dim(`(${s.trigger}${s.mode ? `, ${s.mode}` : ''})`)}`,
  );
  out.push(`${label('Target')}${s.target ?? '?'}`);
  if (entries.some((e) => e.type === 'deduplicated'))
    out.push(`${label('Duplicate')}${yellow('this alarm is already being handled: stopped')}`);
  const lock = entries.find((e) => e.type === 'locked');
  if (lock && !(lock.data as any).acquired)
    out.push(`${label('Lock')}${yellow('the target is busy with another execution: skipped')}`);
  for (const c of v.collected) {
    if (c.ref)
      out.push(
        `${label('Collected')}${c.target}: ${c.sections ? `${c.sections.length} sections ` : ''}${dim(`${c.ref.uri} sha256 ${c.ref.sha256.slice(0, 16)}…`)}`,
      );
    // A target this machine cannot reach is "not collected here", not a failure word in a dry run.
    else if (c.status === 'InvalidTarget')
      out.push(
        `${label('Collected')}${c.target}: ${dim(`not collected here${c.error ? ` — ${c.error.split('\n')[0]}` : ''}`)}`,
      );
    else
      out.push(
        `${label('Collected')}${c.target}: ${yellow(`${c.status}${c.error ? ` — ${c.error.split('\n')[0]}` : ''}`)}`,
      );
  }
  const c = v.classification;
  if (c) {
    if (!c.runbookId)
      out.push(`${label('Classified')}${yellow('unclassified')}: no runbook reached the threshold`);
    else {
      out.push(
        `${label('Classified')}${green(c.runbookId)}${c.confidence !== null ? ` ${c.confidence.toFixed(2)}` : ''} ${dim(runbooks.get(c.runbookId)?.title ?? '')}${c.forced ? dim(' (chosen by the operator)') : ''}`,
      );
      for (const line of c.evidence.slice(0, 6))
        out.push(`${indent}  ${cyan(`${line.section}:${line.line}`)}  ${line.text.slice(0, 150)}`);
    }
    if (c.runnerUp)
      out.push(
        `${indent}${dim(`runner-up: ${c.runnerUp.runbookId} ${Number(c.runnerUp.confidence).toFixed(2)}`)}`,
      );
  }
  const p = v.plan;
  if (p) {
    const colour =
      p.decision === 'automatic' || p.decision === 'approval'
        ? green
        : p.decision === 'escalate'
          ? red
          : yellow;
    out.push(`${label('Plan')}${colour(p.decision)}: ${p.reason}`);
    for (const st of p.steps) {
      const params = Object.entries(st.parameters)
        .map(([k, val]) => `${k}=${val}`)
        .join(' ');
      const doc = st.document ? findCommandDocument(st.document) : undefined;
      out.push(
        `${indent}  ${st.index}. ${st.action}${st.risk ? dim(` [${st.risk}]`) : ''} → ${st.document ? `${st.document}${params ? ` ${params}` : ''}` : (st.call ?? 'API call')} on ${st.targets.join(', ') || '-'}${doc ? dim(` (runs ${doc.script})`) : ''}`,
      );
    }
    for (const x of [...p.skipped, ...p.held]) out.push(`${indent}  ${dim(`left out: ${x}`)}`);
  }
  for (const a of v.approvals)
    out.push(
      `${label('Approval')}${a.status === 'approved' ? green(a.status) : yellow(a.status)}${a.by ? ` by ${a.by}` : ''}${a.at ? ` at ${a.at}` : ''}`,
    );
  if (v.steps.length)
    for (const st of v.steps)
      out.push(
        `${label(`Ran step ${st.index}`)}${st.action}${st.target ? ` on ${st.target}` : ''}: ${/^(succeeded|Success)$/.test(st.status) ? green(st.status) : red(st.status)} ${dim(st.detail.split('\n').slice(-1)[0]!.slice(0, 120))}`,
      );
  else if (p?.steps.length)
    out.push(
      `${label('Ran')}nothing${p.decision === 'dry-run' ? ' — dry run: the steps above would run' : ` (${p.decision})`}`,
    );
  if (v.verification)
    out.push(
      `${label('Verified')}${v.verification.cleared ? green('cleared') : red('still failing')}${v.verification.reason ? dim(` ${v.verification.reason}`) : ''}`,
    );
  if (v.escalation) out.push(`${label('Escalated')}${red(v.escalation.reason)}`);
  if (v.failure) out.push(`${label('Failure')}${red(v.failure)}`);
  out.push(
    `${label('Outcome')}${bold(String(s.outcome))}${s.durationMs !== undefined ? dim(` in ${s.durationMs} ms`) : ''}`,
  );
  if (record?.path.length)
    out.push(`${label('Path')}${record.path.map((x) => x.state).join(' → ')}`);
  const seqs = entries.map((e) => e.seq);
  const dir = relative(process.cwd(), dataDir) || '.';
  out.push(
    `${label('Record')}${dir}/audit/trail.jsonl entries ${Math.min(...seqs)}–${Math.max(...seqs)}`,
  );
  out.push(
    `${indent}${dim(`npx paramedic audit show ${s.executionId}${dir === '.paramedic' ? '' : ` --data-dir ${dir}`}   ·   npx paramedic console`)}`,
  );
  return `${out.join('\n')}\n`;
}
