/**
 * An execution as a timeline: one bar per state of the path (from the local execution record),
 * and a marker per audit entry, on a shared time axis. Pure: data in, SVG text out.
 */
import { escapeXml } from './svg.js';

/** A bar: one state the execution passed through. */
export interface TimelineSpan {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly kind: string;
  readonly error?: boolean;
}
/** A marker: one audit entry. */
export interface TimelineMark {
  readonly label: string;
  readonly at: number;
  readonly kind: string;
}

const COLOURS: Record<string, string> = {
  Task: '#3b6fd8',
  Choice: '#9aa3b5',
  Succeed: '#1f8a4c',
  Fail: '#c0392b',
  Pass: '#9aa3b5',
  Wait: '#b58900',
  Parallel: '#6c4bc7',
  Map: '#6c4bc7',
};

/** Renders spans and marks on one time axis. */
export function renderTimelineSvg(
  spans: readonly TimelineSpan[],
  marks: readonly TimelineMark[],
): string {
  const times = [...spans.flatMap((s) => [s.start, s.end]), ...marks.map((m) => m.at)].filter(
    Number.isFinite,
  );
  if (times.length === 0)
    return '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="400" height="30"><text x="10" y="20" font-size="12">no timing recorded</text></svg>';
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const labelW = 150;
  const plotW = 620;
  const rowH = 18;
  const x = (t: number) => labelW + ((t - t0) / (t1 - t0)) * plotW;
  const rows = spans.length + marks.length;
  const height = 36 + rows * rowH;
  const width = labelW + plotW + 70;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="timeline">`,
  ];
  const total = t1 - t0;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (total * i) / 4;
    parts.push(
      `<line x1="${x(t)}" y1="14" x2="${x(t)}" y2="${height - 4}" stroke="#e3e7ee"/><text x="${x(t)}" y="11" font-size="9" text-anchor="middle" fill="#6b7385">+${((t - t0) / 1000).toFixed(total < 5000 ? 3 : 1)}s</text>`,
    );
  }
  let row = 0;
  for (const s of spans) {
    const y = 22 + row * rowH;
    const w = Math.max(2, x(s.end) - x(s.start));
    parts.push(
      `<g class="span" data-state="${escapeXml(s.label)}"><text x="${labelW - 6}" y="${y + 11}" font-size="11" text-anchor="end" fill="#1d2433">${escapeXml(s.label)}</text><rect x="${x(s.start)}" y="${y + 2}" width="${w}" height="${rowH - 6}" rx="2" fill="${s.error ? '#c0392b' : (COLOURS[s.kind] ?? '#3b6fd8')}"/><text x="${x(s.start) + w + 4}" y="${y + 11}" font-size="9" fill="#6b7385">${s.end - s.start} ms</text><title>${escapeXml(`${s.label}: ${s.end - s.start} ms`)}</title></g>`,
    );
    row++;
  }
  for (const m of marks) {
    const y = 22 + row * rowH;
    parts.push(
      `<g class="mark"><text x="${labelW - 6}" y="${y + 11}" font-size="11" text-anchor="end" fill="#4a5468">${escapeXml(m.label)}</text><circle cx="${x(m.at)}" cy="${y + 7}" r="4.5" fill="${m.kind === 'completed' ? '#1f8a4c' : m.kind === 'escalated' ? '#c0392b' : m.kind.startsWith('approval') ? '#b58900' : '#5c6b8a'}"/><title>${escapeXml(`${m.label} at +${m.at - t0} ms`)}</title></g>`,
    );
    row++;
  }
  parts.push('</svg>');
  return parts.join('');
}
