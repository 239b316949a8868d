import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainEntry, type AuditEntry } from '../../../lambdas/core/audit/audit-entry.js';
import {
  formatDuration,
  outcomeStats,
  UNCLASSIFIED_RUNBOOK,
} from '../../../lambdas/core/audit/outcome-stats.js';
import { renderOutcomesSvg } from '../../../console/outcomes-chart.js';
import { OUTCOME_RUNS, runEntries, ROLLBACK_UNKNOWN_RUN } from '../../support/outcome-trail.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
function trail(): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const input of OUTCOME_RUNS.flatMap(runEntries))
    out.push(chainEntry(input, out[out.length - 1], sha256));
  return out;
}
const byId = (stats: ReturnType<typeof outcomeStats>) =>
  Object.fromEntries(stats.runbooks.map((r) => [r.runbookId, r]));

describe('outcome figures per runbook, from the audit trail', () => {
  const stats = outcomeStats(trail());
  const r = byId(stats);

  it('counts runs per runbook, most runs first; a redelivered alarm is not a run', () => {
    expect(stats.runbooks.map((x) => [x.runbookId, x.runs])).toEqual([
      ['disk-full', 3],
      ['oom-killed', 2],
      [UNCLASSIFIED_RUNBOOK, 1],
      ['node-not-ready', 1],
    ]);
    expect(stats.total.runs).toBe(7);
  });

  it('time from the alarm to the verification that cleared it: median and p90 (nearest rank)', () => {
    expect(r['disk-full']!.timeToVerified).toEqual({
      count: 2,
      medianMs: 240_000,
      p90Ms: 600_000,
      meanMs: 420_000,
      maxMs: 600_000,
    });
    expect(r['oom-killed']!.timeToVerified?.medianMs).toBe(120_000);
    expect(r['node-not-ready']!.timeToVerified).toBeNull();
  });

  it('auto-fix counts only verified fixes nobody approved; escalation and rollback rates are over finished runs', () => {
    expect(r['disk-full']).toMatchObject({
      finished: 3,
      verified: 2,
      autoFixed: 1,
      escalated: 1,
      rolledBack: 0,
    });
    expect(r['disk-full']!.autoFixRate).toBeCloseTo(1 / 3);
    expect(r['oom-killed']).toMatchObject({
      autoFixRate: 0.5,
      escalationRate: 0.5,
      rollbackRate: 0.5,
    });
    expect(r['node-not-ready']).toMatchObject({
      autoFixRate: 0,
      escalationRate: 1,
      rollbackRate: 1,
    });
    expect(stats.total).toMatchObject({ verified: 3, autoFixed: 2, escalated: 3, rolledBack: 2 });
    expect(r['disk-full']!.outcomes).toEqual({ remediated: 2, escalated: 1 });
  });

  it('a rollback whose outcome is unknown is counted apart with its execution, never as rolled back', () => {
    const entries = [...trail()];
    const cutShort = runEntries(ROLLBACK_UNKNOWN_RUN);
    for (const input of cutShort)
      entries.push(chainEntry(input, entries[entries.length - 1], sha256));
    const stats = outcomeStats(entries);
    expect(byId(stats)['oom-killed']).toMatchObject({
      finished: 3,
      rolledBack: 1,
      rollbackUnknown: 1,
      rollbackUnknownExecutions: ['run-oom-3'],
    });
    expect(byId(stats)['oom-killed']!.rollbackRate).toBeCloseTo(1 / 3);
    expect(stats.total).toMatchObject({
      rolledBack: 2,
      rollbackUnknown: 1,
      rollbackUnknownExecutions: ['run-oom-3'],
    });
    expect(r['node-not-ready']).toMatchObject({
      rollbackUnknown: 0,
      rollbackUnknownExecutions: [],
    });
  });

  it('--since keeps the executions that started then or later', () => {
    const later = outcomeStats(trail(), '2026-11-23T00:00:00.000Z');
    expect(later.runbooks.map((x) => x.runbookId).sort()).toEqual(
      [UNCLASSIFIED_RUNBOOK, 'node-not-ready', 'oom-killed'].sort(),
    );
    expect(later.since).toBe('2026-11-23T00:00:00.000Z');
  });

  it('a run still going counts as a run, not as finished, and moves no rate', () => {
    const running = runEntries({
      executionId: 'run-live',
      runbookId: 'oom-killed',
      alarmAt: '2026-11-27T09:00:00.000Z',
      outcome: 'remediated',
      verifiedAfterMs: 60_000,
    }).slice(0, 2);
    const entries = [...trail()];
    for (const input of running)
      entries.push(chainEntry(input, entries[entries.length - 1], sha256));
    expect(byId(outcomeStats(entries))['oom-killed']).toMatchObject({
      runs: 3,
      finished: 2,
      autoFixRate: 0.5,
    });
  });

  it('reads durations as people do', () => {
    expect([850, 12_300, 252_000, 5_400_000].map(formatDuration)).toEqual([
      '850 ms',
      '12.3 s',
      '4.2 min',
      '1.5 h',
    ]);
  });
});

describe('the console chart', () => {
  const svg = renderOutcomesSvg(outcomeStats(trail()));
  const bar = (runbook: string, metric: string) =>
    new RegExp(
      `<rect class="bar" data-runbook="${runbook.replace(/[()]/g, '\\$&')}" data-metric="${metric}" data-value="([^"]*)" x="\\d+" y="\\d+" width="([\\d.]+)"`,
    ).exec(svg);

  it('draws each rate as a bar whose width is its share of the full scale', () => {
    expect(bar('oom-killed', 'rollback')?.slice(1)).toEqual(['0.5', '180']);
    expect(bar('node-not-ready', 'escalation')?.slice(1)).toEqual(['1', '360']);
    expect(Number(bar('disk-full', 'auto-fix')?.[2])).toBeCloseTo(120, 0);
  });

  it('scales the median time to verified to the slowest runbook; no verified run, no bar', () => {
    expect(bar('disk-full', 'time-to-verified')?.slice(1)).toEqual(['240000', '360']);
    expect(bar('oom-killed', 'time-to-verified')?.slice(1)).toEqual(['120000', '180']);
    expect(bar('node-not-ready', 'time-to-verified')?.slice(1)).toEqual(['', '0']);
  });

  it('escapes runbook ids and says so when there is nothing to draw', () => {
    expect(svg).toContain('data-runbook="(unclassified)"');
    expect(renderOutcomesSvg({ runbooks: [], total: outcomeStats([]).total })).toContain(
      'no executions',
    );
    expect(svg).not.toMatch(/style=|<script/);
  });
});
