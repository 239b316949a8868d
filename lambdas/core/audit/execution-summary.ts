/**
 * Execution-level views over audit entries (one execution = the entries sharing an executionId),
 * for `audit list/show` and the console. Works over any AuditStore (local files or DynamoDB).
 */
import type { AuditEntry, AuditFilter, AuditOutcome } from './audit-entry.js';
import type { AuditStore } from '../ports.js';

/** One execution in a list. */
export interface ExecutionSummary {
  readonly executionId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  /** Who or what triggered it (`alarm:<name>`, `user:<who>`). */
  readonly trigger: string;
  readonly source?: string;
  readonly mode?: string;
  readonly target?: string;
  readonly runbookId?: string;
  readonly confidence?: number | null;
  readonly decision?: string;
  readonly outcome?: AuditOutcome | 'running';
  readonly summary?: string;
  readonly entries: number;
}

const data = (e: AuditEntry | undefined) => (e?.data ?? {}) as Record<string, any>;

function topConfidence(c: Record<string, any>): number | null {
  for (const t of c.targets ?? []) for (const m of t.matches ?? []) if (m.runbookId === c.runbookId) return m.confidence;
  return null;
}

function triggerSummary(t: Record<string, any>): string | undefined {
  const trig = t.trigger;
  if (!trig) return undefined;
  if (trig.kind === 'alarm') return `alarm ${trig.alarmName} went ${t.state ?? 'ALARM'}${trig.alarmReason ? `: ${trig.alarmReason}` : ''}`;
  const req = t.requested;
  return req ? `manual run of ${req.runbookId} on ${req.target} (${req.mode}) by ${req.invokedBy}` : `${trig.kind} run by ${trig.actor}`;
}

/** Summarizes the entries of one execution (in order). */
export function summarizeExecution(entries: readonly AuditEntry[]): ExecutionSummary {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const find = (type: string) => entries.find((e) => e.type === type);
  const triggered = find('triggered') ?? find('deduplicated');
  const classified = find('classified');
  const planned = find('planned');
  const completed = [...entries].reverse().find((e) => e.type === 'completed');
  return {
    executionId: first.executionId,
    startedAt: first.at,
    finishedAt: completed?.at,
    durationMs: completed ? Date.parse(completed.at) - Date.parse(first.at) : undefined,
    trigger: triggered?.actor ?? first.actor,
    source: data(triggered).source ?? data(triggered).trigger?.kind,
    mode: data(triggered).mode,
    target: entries.find((e) => e.target)?.target,
    runbookId: completed?.runbookId ?? planned?.runbookId ?? classified?.runbookId ?? entries.find((e) => e.runbookId)?.runbookId,
    confidence: data(classified).confidence ?? topConfidence(data(classified)),
    decision: data(planned).plan?.decision,
    outcome: completed?.outcome ?? (find('deduplicated') ? 'skipped' : last.type === 'completed' ? undefined : 'running'),
    summary: data(triggered).summary ?? triggerSummary(data(triggered)),
    entries: entries.length,
  };
}

/** True when an execution passes an execution-level filter. */
export function executionMatches(s: ExecutionSummary, entries: readonly AuditEntry[], filter: AuditFilter): boolean {
  if (filter.target !== undefined && !entries.some((e) => e.target === filter.target)) return false;
  if (filter.runbookId !== undefined && s.runbookId !== filter.runbookId && !entries.some((e) => e.runbookId === filter.runbookId)) return false;
  if (filter.outcome !== undefined && s.outcome !== filter.outcome) return false;
  if (filter.since !== undefined && Date.parse(s.startedAt) < Date.parse(filter.since)) return false;
  return true;
}

/** Executions matching a filter, newest first (the store narrows by entry, this by execution). */
export async function listExecutions(store: AuditStore, filter: AuditFilter): Promise<ExecutionSummary[]> {
  const { limit, ...rest } = filter;
  const hits = await store.list({ ...rest, since: undefined, limit: 10_000 });
  const ids: string[] = [];
  for (const e of hits) if (!ids.includes(e.executionId)) ids.push(e.executionId);
  const out: ExecutionSummary[] = [];
  for (const id of ids) {
    const entries = await store.execution(id);
    if (entries.length === 0) continue;
    const s = summarizeExecution(entries);
    if (executionMatches(s, entries, filter)) out.push(s);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** Parses `--since`: an ISO time, or a duration back from now (`30m`, `6h`, `7d`). */
export function parseSince(value: string, now: Date): string {
  const m = /^(\d+)([smhd])$/.exec(value);
  if (m) return new Date(now.getTime() - Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`--since ${JSON.stringify(value)} is neither an ISO time (2026-11-23T09:00:00Z) nor a duration (30m, 6h, 7d)`);
  return new Date(t).toISOString();
}

/** One proving line. */
export interface ViewLine { readonly section: string; readonly line: number; readonly text: string }

/** An execution normalized for reading, whichever workflow (CDK or local) recorded it. */
export interface ExecutionView {
  readonly summary: ExecutionSummary;
  readonly collected: readonly { target: string; status: string; ref?: { uri: string; sha256: string; bytes?: number }; error?: string; sections?: readonly string[]; how?: string }[];
  readonly classification: {
    runbookId: string | null; confidence: number | null; forced: boolean; evidence: readonly ViewLine[];
    runnerUp: { runbookId: string; confidence: number; [k: string]: unknown } | null; explanations?: readonly any[];
  } | null;
  readonly plan: { decision: string; reason: string; steps: readonly { index: number; action: string; risk?: string; document?: string; call?: string; parameters: Record<string, string>; targets: readonly string[] }[]; skipped: readonly string[]; held: readonly string[] } | null;
  readonly approvals: readonly { status: string; by: string | null; at: string | null; comment?: string }[];
  readonly steps: readonly { index: number; action: string; target?: string; status: string; exitCode?: number | null; detail: string; outputUri?: string }[];
  readonly verification: { cleared: boolean; reason?: string } | null;
  readonly escalation: { reason: string } | null;
  readonly failure: string | null;
}

/** Reads the entries of one execution into an {@link ExecutionView}. */
export function viewExecution(entries: readonly AuditEntry[]): ExecutionView {
  const summary = summarizeExecution(entries);
  const find = (t: string) => entries.find((e) => e.type === t);
  const col = data(find('collected'));
  const collected: ExecutionView['collected'] = Array.isArray(col.evidence)
    ? col.evidence.map((e: any) => ({ target: e.target, status: e.status, ref: e.ref, error: e.error, sections: e.sectionNames, how: col.how }))
    : col.evidence?.uri ? [{ target: summary.target ?? 'local', status: 'Success', ref: col.evidence, sections: col.sections, how: col.how ?? col.document }]
    : col.skipped ? [] : [];
  const cls = data(find('classified'));
  let classification: ExecutionView['classification'] = null;
  if (find('classified')) {
    const top = Array.isArray(cls.targets) ? cls.targets.find((t: any) => t.matches?.[0]?.runbookId === cls.runbookId) ?? cls.targets[0] : undefined;
    const matches: any[] = top?.matches ?? cls.matches ?? [];
    const topMatch = matches.find((m) => m.runbookId === cls.runbookId) ?? matches[0];
    const second = matches.find((m) => m.runbookId !== cls.runbookId);
    classification = {
      runbookId: cls.runbookId ?? null,
      confidence: cls.confidence ?? topMatch?.confidence ?? null,
      forced: Boolean(cls.forced) || (summary.source === undefined && data(find('triggered')).requested !== undefined),
      evidence: topMatch?.evidence ?? [],
      runnerUp: cls.runnerUp ?? (second ? { runbookId: second.runbookId, confidence: second.confidence } : null),
      explanations: cls.explanations,
    };
  }
  const p = data(find('planned')).plan;
  const plan: ExecutionView['plan'] = p ? {
    decision: p.decision, reason: p.reason,
    steps: (p.steps ?? []).map((s: any, i: number) => ({
      index: s.invocations ? (s.index ?? i) + 1 : s.index ?? i + 1, action: s.action, risk: s.risk, document: s.document,
      call: s.call ?? (s.actionTarget === 'none' ? 'notify the operators (changes nothing)' : s.actionTarget === 'kubernetes' ? `Kubernetes API: ${s.title ?? s.action}` : s.actionTarget === 'aws' ? `AWS API: ${s.title ?? s.action}` : undefined),
      parameters: s.parameters ?? s.invocations?.[0]?.parameters ?? {}, targets: s.targets ?? (s.invocations ?? []).map((v: any) => v.target),
    })),
    skipped: p.skipped ?? [], held: (p.held ?? []).map((h: any) => `${h.target}: ${h.reason}`),
  } : null;
  const approvals = entries.filter((e) => e.type === 'approval').map((e) => {
    const a = data(e);
    const status = a.status ?? (a.timedOut ? 'timed-out' : a.approved ? 'approved' : 'rejected');
    return { status, by: a.by ?? (a.timedOut ? null : a.approver ?? null), at: a.at ?? null, comment: a.comment ?? undefined };
  });
  const steps: ExecutionView['steps'][number][] = [];
  for (const e of entries.filter((x) => x.type === 'step')) {
    const s = data(e);
    if (Array.isArray(s.outcomes)) for (const o of s.outcomes) steps.push({ index: (s.step ?? 0) + 1, action: s.action, target: o.target, status: o.status, detail: o.detail ?? '', outputUri: o.outputUri });
    else steps.push({ index: s.index, action: s.action, status: s.status, exitCode: s.exitCode, detail: s.tail ?? '', outputUri: s.output?.uri });
  }
  const ver = find('verified');
  const esc = find('escalated');
  const done = data([...entries].reverse().find((e) => e.type === 'completed'));
  const failure = done.failure ? `${done.failure.Error}: ${String(done.failure.Cause ?? '').slice(0, 300)}` : done.error ? `${done.error.Error ?? ''}: ${String(done.error.Cause ?? '').slice(0, 300)}` : null;
  return {
    summary, collected, classification, plan, approvals, steps,
    verification: ver ? { cleared: Boolean(data(ver).cleared), reason: data(ver).reason } : null,
    escalation: esc ? { reason: String(data(esc).reason) } : null,
    failure,
  };
}
