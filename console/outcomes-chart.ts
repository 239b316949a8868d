/**
 * The outcomes chart of the console: per runbook, three rate bars (auto-fix, escalation,
 * rollback, 0-100%) and a bar of the median time from alarm to verified (scaled to the slowest).
 * Pure: figures in, SVG text out; presentation attributes only (the CSP forbids inline styles).
 */
import {
  formatDuration,
  formatRate,
  type OutcomeStats,
  type RunbookOutcomes,
} from '../lambdas/core/audit/outcome-stats.js';
import { escapeXml } from './svg.js';

/** The bars drawn per runbook, in order, with their colour. */
export const OUTCOME_BARS = [
  { metric: 'auto-fix', label: 'auto-fix', colour: '#1f8a4c' },
  { metric: 'escalation', label: 'escalated', colour: '#c0392b' },
  { metric: 'rollback', label: 'rolled back', colour: '#b58900' },
  { metric: 'time-to-verified', label: 'median to verified', colour: '#3b6fd8' },
] as const;

const LABEL_W = 210;
const PLOT_W = 360;
const BAR_H = 12;
const GROUP_GAP = 14;

function barValue(
  r: RunbookOutcomes,
  metric: (typeof OUTCOME_BARS)[number]['metric'],
): number | null {
  switch (metric) {
    case 'auto-fix':
      return r.autoFixRate;
    case 'escalation':
      return r.escalationRate;
    case 'rollback':
      return r.rollbackRate;
    case 'time-to-verified':
      return r.timeToVerified?.medianMs ?? null;
  }
}

/** Renders the chart; `data-runbook`, `data-metric` and `data-value` on each bar say what it shows. */
export function renderOutcomesSvg(stats: OutcomeStats): string {
  const rows = stats.runbooks;
  if (rows.length === 0)
    return '<svg xmlns="http://www.w3.org/2000/svg" class="outcomes" width="400" height="30" role="img" aria-label="no executions"><text x="10" y="20" font-size="12">no executions in this period</text></svg>';
  const slowest = Math.max(1, ...rows.map((r) => r.timeToVerified?.medianMs ?? 0));
  const groupH = OUTCOME_BARS.length * (BAR_H + 3) + GROUP_GAP;
  const width = LABEL_W + PLOT_W + 160;
  const height = 34 + rows.length * groupH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="outcomes" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="outcomes per runbook">`,
  ];
  // Legend, then a 0/50/100% scale for the rate bars.
  for (const [i, b] of OUTCOME_BARS.entries())
    parts.push(
      `<rect x="${LABEL_W + i * 115}" y="4" width="10" height="10" fill="${b.colour}"/><text x="${LABEL_W + i * 115 + 14}" y="13" font-size="11" fill="#4a5468">${b.label}</text>`,
    );
  for (const f of [0, 0.5, 1])
    parts.push(
      `<line x1="${LABEL_W + f * PLOT_W}" y1="22" x2="${LABEL_W + f * PLOT_W}" y2="${height - 6}" stroke="#e3e7ee"/>`,
    );
  rows.forEach((r, i) => {
    const y0 = 28 + i * groupH;
    parts.push(
      `<g class="runbook" data-runbook="${escapeXml(r.runbookId)}"><text x="${LABEL_W - 8}" y="${y0 + 14}" font-size="12" font-weight="600" text-anchor="end" fill="#1d2433">${escapeXml(r.runbookId)}</text>`,
      `<text x="${LABEL_W - 8}" y="${y0 + 30}" font-size="10" text-anchor="end" fill="#6b7385">${r.runs} run${r.runs === 1 ? '' : 's'}, ${r.verified} verified</text>`,
    );
    OUTCOME_BARS.forEach((b, j) => {
      const value = barValue(r, b.metric);
      const y = y0 + j * (BAR_H + 3);
      const fraction =
        value === null ? 0 : b.metric === 'time-to-verified' ? value / slowest : value;
      const w = Math.round(fraction * PLOT_W * 10) / 10;
      const text =
        value === null
          ? '–'
          : b.metric === 'time-to-verified'
            ? formatDuration(value)
            : formatRate(value);
      parts.push(
        `<rect class="bar" data-runbook="${escapeXml(r.runbookId)}" data-metric="${b.metric}" data-value="${value ?? ''}" x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" fill="${b.colour}"><title>${escapeXml(`${r.runbookId} ${b.label}: ${text}`)}</title></rect>`,
        `<text class="value" data-metric="${b.metric}" x="${LABEL_W + w + 4}" y="${y + BAR_H - 2}" font-size="10" fill="#4a5468">${escapeXml(text)}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
