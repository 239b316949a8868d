/**
 * Outcome figures per runbook, from the audit trail alone: how long from the alarm to a verified
 * fix, how often a run fixed things without a person, how often it escalated or rolled back, and
 * which runs' rollback was cut short (its outcome unknown: people check the hosts).
 * `paramedic audit stats` prints them and the console draws them. Pure: entries in, figures out.
 */
import type { RollbackRecord } from '../workflow/model.js';
import type { AuditEntry, AuditEntryOf, AuditEventType, AuditOutcome } from './audit-entry.js';
import { summarizeExecution } from './execution-summary.js';

/** The runbook id under which runs that nothing classified are counted. */
export const UNCLASSIFIED_RUNBOOK = '(unclassified)';

/** Times from the alarm to the verification that cleared it, in milliseconds. */
export interface DurationFigures {
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** One runbook's figures. Rates are over finished runs (null when none finished). */
export interface RunbookOutcomes {
  readonly runbookId: string;
  /** Runs started (duplicates of an alarm already being handled are not runs). */
  readonly runs: number;
  /** Runs with a final outcome. */
  readonly finished: number;
  /** Runs whose verification found the failure cleared. */
  readonly verified: number;
  /** Verified fixes that no person approved (the workflow fixed it alone). */
  readonly autoFixed: number;
  readonly escalated: number;
  /** Finished runs whose rollback ran to its end (`rolled-back` or `partial`). */
  readonly rolledBack: number;
  /**
   * Finished runs whose rollback outcome is unknown: a retried Escalate found the rollback started
   * and never recorded, so its undos may have run in full, in part or not at all. Never counted in
   * `rolledBack`: each host needs checking.
   */
  readonly rollbackUnknown: number;
  /** Those runs' execution ids, to check their hosts (`paramedic audit show <id>`). */
  readonly rollbackUnknownExecutions: readonly string[];
  readonly outcomes: Readonly<Partial<Record<AuditOutcome, number>>>;
  readonly timeToVerified: DurationFigures | null;
  readonly autoFixRate: number | null;
  readonly escalationRate: number | null;
  readonly rollbackRate: number | null;
}

/** Figures of every runbook with runs, most runs first, and of all runs together. */
export interface OutcomeStats {
  readonly since?: string;
  readonly runbooks: readonly RunbookOutcomes[];
  readonly total: RunbookOutcomes;
}

/** What one execution contributes. */
interface RunFacts {
  readonly executionId: string;
  readonly runbookId: string;
  readonly startedAt: number;
  readonly finished: boolean;
  readonly outcome?: AuditOutcome;
  readonly verifiedAfterMs?: number;
  readonly autoFixed: boolean;
  readonly escalated: boolean;
  /** The status of its `rolled-back` entry, when it rolled back. */
  readonly rollback?: RollbackRecord['status'];
}

const has = (entries: readonly AuditEntry[], type: AuditEventType) =>
  entries.some((e) => e.type === type);

function runFacts(entries: readonly AuditEntry[]): RunFacts | undefined {
  const summary = summarizeExecution(entries);
  if (summary.outcome === 'skipped' && has(entries, 'deduplicated')) return undefined;
  const triggered = entries.find(
    (e): e is AuditEntry & AuditEntryOf<'triggered'> => e.type === 'triggered',
  );
  // From the alarm's own state change when there was one: the time operators lived with the failure.
  const startedAt = Date.parse(triggered?.data.trigger?.at ?? summary.startedAt);
  const cleared = entries.find(
    (e): e is AuditEntry & AuditEntryOf<'verified'> =>
      e.type === 'verified' && e.data.cleared === true,
  );
  const rollback = entries.find(
    (e): e is AuditEntry & AuditEntryOf<'rolled-back'> => e.type === 'rolled-back',
  )?.data.status;
  const approvedByPerson = entries.some(
    (e) => e.type === 'approval' && e.data.approved === true && !e.data.timedOut,
  );
  return {
    executionId: summary.executionId,
    runbookId: summary.runbookId ?? UNCLASSIFIED_RUNBOOK,
    startedAt,
    finished: has(entries, 'completed'),
    ...(summary.outcome && summary.outcome !== 'running' ? { outcome: summary.outcome } : {}),
    ...(cleared ? { verifiedAfterMs: Math.max(0, Date.parse(cleared.at) - startedAt) } : {}),
    autoFixed: Boolean(cleared) && !approvedByPerson,
    escalated: has(entries, 'escalated'),
    ...(rollback ? { rollback } : {}),
  };
}

/**
 * A duration as people read it: `850 ms`, `12.3 s`, `4.2 min`, `1.5 h`.
 * @example formatDuration(252_000) // '4.2 min'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A rate as a percentage, `–` when there is nothing to divide by. */
export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(rate * 100)}%`;
}

/** The value at a quantile of sorted numbers (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function durations(values: readonly number[]): DurationFigures | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    meanMs: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    maxMs: sorted[sorted.length - 1]!,
  };
}

function figures(runbookId: string, runs: readonly RunFacts[]): RunbookOutcomes {
  const finished = runs.filter((r) => r.finished);
  const rate = (n: number) => (finished.length ? n / finished.length : null);
  const outcomes: Partial<Record<AuditOutcome, number>> = {};
  for (const r of runs) if (r.outcome) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const verified = runs.filter((r) => r.verifiedAfterMs !== undefined);
  const autoFixed = finished.filter((r) => r.autoFixed).length;
  const escalated = finished.filter((r) => r.escalated).length;
  const rolledBack = finished.filter((r) => r.rollback && r.rollback !== 'unknown').length;
  const rollbackUnknown = finished.filter((r) => r.rollback === 'unknown');
  return {
    runbookId,
    runs: runs.length,
    finished: finished.length,
    verified: verified.length,
    autoFixed,
    escalated,
    rolledBack,
    rollbackUnknown: rollbackUnknown.length,
    rollbackUnknownExecutions: rollbackUnknown.map((r) => r.executionId),
    outcomes,
    timeToVerified: durations(verified.map((r) => r.verifiedAfterMs!)),
    autoFixRate: rate(autoFixed),
    escalationRate: rate(escalated),
    rollbackRate: rate(rolledBack),
  };
}

/**
 * Outcome figures from audit entries (any order, any mix of executions).
 * @param since ISO time: only executions that started then or later.
 * @example outcomeStats(await store.list({ limit: 1_000_000 })).runbooks[0] // { runbookId: 'disk-full', runs: 12, autoFixRate: 0.75, … }
 */
export function outcomeStats(entries: readonly AuditEntry[], since?: string): OutcomeStats {
  const byExecution = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    if (e.type === 'anchored') continue; // a trail record, not an execution
    const list = byExecution.get(e.executionId) ?? [];
    list.push(e);
    byExecution.set(e.executionId, list);
  }
  const from = since === undefined ? -Infinity : Date.parse(since);
  const runs: RunFacts[] = [];
  for (const list of byExecution.values()) {
    const facts = runFacts(list.sort((a, b) => a.seq - b.seq));
    if (facts && facts.startedAt >= from) runs.push(facts);
  }
  const byRunbook = new Map<string, RunFacts[]>();
  for (const r of runs) {
    const list = byRunbook.get(r.runbookId) ?? [];
    list.push(r);
    byRunbook.set(r.runbookId, list);
  }
  const runbooks = [...byRunbook.entries()]
    .map(([id, list]) => figures(id, list))
    .sort((a, b) => b.runs - a.runs || a.runbookId.localeCompare(b.runbookId));
  return { ...(since !== undefined ? { since } : {}), runbooks, total: figures('(all)', runs) };
}
