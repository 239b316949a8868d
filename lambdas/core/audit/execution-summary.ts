/**
 * Execution-level views over audit entries (one execution = the entries sharing an executionId),
 * for `audit list/show` and the console. Works over any AuditStore (local files or DynamoDB).
 */
import type {
  AuditEntry,
  AuditEntryOf,
  AuditEventType,
  AuditFilter,
  AuditOutcome,
} from './audit-entry.js';
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

/** The first entry of a type, typed by it. */
function first<T extends AuditEventType>(
  entries: readonly AuditEntry[],
  type: T,
): AuditEntryOf<T> | undefined {
  return entries.find((e): e is AuditEntry & AuditEntryOf<T> => e.type === type);
}

/** The last entry of a type, typed by it. */
function last<T extends AuditEventType>(
  entries: readonly AuditEntry[],
  type: T,
): AuditEntryOf<T> | undefined {
  return [...entries].reverse().find((e): e is AuditEntry & AuditEntryOf<T> => e.type === type);
}

/**
 * Summarizes the entries of one execution (in order). Optional chaining on payload fields keeps
 * `audit list` working over trails written before the payloads were typed.
 */
export function summarizeExecution(entries: readonly AuditEntry[]): ExecutionSummary {
  const start = entries[0]!;
  const triggered = first(entries, 'triggered') ?? first(entries, 'deduplicated');
  const classified = first(entries, 'classified');
  const planned = first(entries, 'planned');
  const completed = last(entries, 'completed');
  // A run that ended before Complete (aborted, timed out, failed outside its catches) is closed by
  // ExecutionInterrupted with an `interrupted` entry: it has ended, it is not running.
  const ended = completed ?? last(entries, 'interrupted');
  const refused = first(entries, 'refused');
  return {
    executionId: start.executionId,
    startedAt: start.at,
    finishedAt: ended?.at,
    durationMs: ended ? Date.parse(ended.at) - Date.parse(start.at) : undefined,
    trigger: triggered?.actor ?? refused?.actor ?? start.actor,
    source: triggered?.data.trigger?.kind,
    mode: triggered?.data.mode,
    target: entries.find((e) => e.target)?.target,
    runbookId:
      completed?.runbookId ??
      planned?.runbookId ??
      classified?.runbookId ??
      entries.find((e) => e.runbookId)?.runbookId,
    confidence: classified?.data.confidence ?? null,
    decision: planned?.data.plan?.decision,
    outcome:
      ended?.outcome ??
      (refused ? 'rejected' : first(entries, 'deduplicated') ? 'skipped' : 'running'),
    summary: triggered?.data.summary ?? refused?.data.summary,
    entries: entries.length,
  };
}

/** True when an execution passes an execution-level filter. */
export function executionMatches(
  s: ExecutionSummary,
  entries: readonly AuditEntry[],
  filter: AuditFilter,
): boolean {
  if (filter.target !== undefined && !entries.some((e) => e.target === filter.target)) return false;
  if (
    filter.runbookId !== undefined &&
    s.runbookId !== filter.runbookId &&
    !entries.some((e) => e.runbookId === filter.runbookId)
  )
    return false;
  if (filter.outcome !== undefined && s.outcome !== filter.outcome) return false;
  if (filter.since !== undefined && Date.parse(s.startedAt) < Date.parse(filter.since))
    return false;
  return true;
}

/** Executions matching a filter, newest first (the store narrows by entry, this by execution). */
export async function listExecutions(
  store: AuditStore,
  filter: AuditFilter,
): Promise<ExecutionSummary[]> {
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
  if (m)
    return new Date(
      now.getTime() -
        Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd'],
    ).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new Error(
      `--since ${JSON.stringify(value)} is neither an ISO time (2026-11-23T09:00:00Z) nor a duration (30m, 6h, 7d)`,
    );
  return new Date(t).toISOString();
}

/** One proving line. */
export interface ViewLine {
  readonly section: string;
  readonly line: number;
  readonly text: string;
}

/** An execution as people read it (the console, `triage` reports), from its typed audit entries. */
export interface ExecutionView {
  readonly summary: ExecutionSummary;
  readonly collected: readonly {
    target: string;
    status: string;
    ref?: { uri: string; sha256: string; bytes?: number };
    error?: string;
    sections?: readonly string[];
    how?: string;
  }[];
  readonly classification: {
    runbookId: string | null;
    confidence: number | null;
    forced: boolean;
    evidence: readonly ViewLine[];
    runnerUp: { runbookId: string; confidence: number; [k: string]: unknown } | null;
    explanations?: readonly any[];
  } | null;
  readonly plan: {
    decision: string;
    reason: string;
    steps: readonly {
      index: number;
      action: string;
      risk?: string;
      document?: string;
      call?: string;
      parameters: Record<string, string>;
      targets: readonly string[];
    }[];
    skipped: readonly string[];
    held: readonly string[];
  } | null;
  readonly approvals: readonly {
    status: string;
    by: string | null;
    at: string | null;
    comment?: string;
  }[];
  readonly steps: readonly {
    index: number;
    action: string;
    target?: string;
    status: string;
    exitCode?: number | null;
    detail: string;
    outputUri?: string;
  }[];
  readonly verification: { cleared: boolean; reason?: string } | null;
  readonly escalation: { reason: string } | null;
  readonly failure: string | null;
}

/** Reads the entries of one execution into an {@link ExecutionView}. */
export function viewExecution(entries: readonly AuditEntry[]): ExecutionView {
  const summary = summarizeExecution(entries);
  const collectedEntry = first(entries, 'collected');
  const collected: ExecutionView['collected'] = (collectedEntry?.data.evidence ?? []).map((e) => ({
    target: e.target,
    status: e.status,
    ...(e.ref ? { ref: e.ref } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(e.sectionNames ? { sections: e.sectionNames } : {}),
    how: collectedEntry!.data.how,
  }));
  const cls = first(entries, 'classified');
  let classification: ExecutionView['classification'] = null;
  if (cls) {
    const { runbookId } = cls.data;
    const top =
      cls.data.targets.find((t) => t.matches[0]?.runbookId === runbookId) ?? cls.data.targets[0];
    const matches = top?.matches ?? [];
    const topMatch = matches.find((m) => m.runbookId === runbookId) ?? matches[0];
    const second = matches.find((m) => m.runbookId !== runbookId);
    classification = {
      runbookId,
      confidence: cls.data.confidence,
      forced: cls.data.forced,
      evidence: topMatch?.evidence ?? [],
      runnerUp: second ? { runbookId: second.runbookId, confidence: second.confidence } : null,
    };
  }
  const planned = first(entries, 'planned')?.data.plan;
  const plan: ExecutionView['plan'] = planned
    ? {
        decision: planned.decision,
        reason: planned.reason,
        steps: planned.steps.map((s) => ({
          index: s.index + 1,
          action: s.action,
          risk: s.risk,
          document: s.document,
          call:
            s.actionTarget === 'none'
              ? 'notify the operators (changes nothing)'
              : s.actionTarget === 'kubernetes'
                ? `Kubernetes API: ${s.title}`
                : s.actionTarget === 'aws'
                  ? `AWS API: ${s.title}`
                  : undefined,
          parameters: { ...s.invocations[0]?.parameters },
          targets: s.invocations.map((v) => v.target),
        })),
        skipped: [],
        held: planned.held.map((h) => `${h.target}: ${h.reason}`),
      }
    : null;
  const approvals = entries
    .filter((e): e is AuditEntry & AuditEntryOf<'approval'> => e.type === 'approval')
    .map(({ data: a }) => ({
      status: a.timedOut ? 'timed-out' : a.approved ? 'approved' : 'rejected',
      by: a.timedOut ? null : a.approver,
      at: a.at,
      ...(a.comment ? { comment: a.comment } : {}),
    }));
  const steps = entries
    .filter((e): e is AuditEntry & AuditEntryOf<'step'> => e.type === 'step')
    .flatMap(({ data: s }) =>
      s.outcomes.map((o) => ({
        index: s.step + 1,
        action: s.action,
        target: o.target,
        status: o.status,
        detail: o.detail ?? '',
        ...(o.outputUri ? { outputUri: o.outputUri } : {}),
      })),
    );
  const verified = first(entries, 'verified');
  const escalated = first(entries, 'escalated');
  const failure = last(entries, 'completed')?.data.failure;
  return {
    summary,
    collected,
    classification,
    plan,
    approvals,
    steps,
    verification: verified
      ? { cleared: verified.data.cleared, reason: verified.data.reason }
      : null,
    escalation: escalated ? { reason: escalated.data.reason } : null,
    failure: failure ? `${failure.Error}: ${String(failure.Cause ?? '').slice(0, 300)}` : null,
  };
}
