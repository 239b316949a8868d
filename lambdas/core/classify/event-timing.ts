/**
 * When did a Kubernetes event last happen, and how often? kubectl prints an event's times relative
 * to the moment it ran (the AGE / LAST SEEN column, `49m (x4 over 49m)`), so a row is placed against
 * the collection time; the API's own objects (`kubectl get events -o yaml|json`, a watch) carry
 * absolute `lastTimestamp` / `series.lastObservedTime` / `eventTime`, `count` and `firstTimestamp`.
 * Pure and linear: anchored regexes over one line, one pass over a section.
 */
import { forEachLine } from './facts/fact.js';

/** An event's occurrences as one table row or API object shows them. */
export interface EventTiming {
  /** How long before the collection the event last happened, in ms (a lower bound: kubectl truncates). */
  readonly lastSeenAgoMs: number | null;
  /** How long before the collection it first happened, in ms, when shown. */
  readonly firstSeenAgoMs: number | null;
  /** When it last happened, ms since the epoch (API objects only). */
  readonly lastSeenAt: number | null;
  /** When it first happened, ms since the epoch (API objects only). */
  readonly firstSeenAt: number | null;
  /**
   * How many times it happened: describe omits `(xN over …)` for one occurrence, so its bare rows are 1;
   * `kubectl get events` shows no count at all, so its bare rows are null (unknown).
   */
  readonly count: number | null;
  /** `Normal` or `Warning`, when shown. */
  readonly type: string | null;
  /** The event's reason (`Unhealthy`, `BackOff`), when shown. */
  readonly reason: string | null;
  /** What follows the reason on a table row (source or object, then the message); an object's message. */
  readonly detail: string | null;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
};

// apimachinery's HumanDuration and older kubectl's translateTimestamp: 45s, 5m30s, 3h20m, 3d4h, 2y30d.
const DURATION = /^(?:\d{1,9}[ydhms]){1,3}$/;
const DURATION_PART = /(\d{1,9})([ydhms])/g;

/**
 * Milliseconds of a kubectl age (`49m`, `5m30s`, `3d4h`), or null for anything else
 * (`<unknown>`, `<invalid>`, a word).
 * @example parseKubectlAge('5m30s') // 330000
 */
export function parseKubectlAge(token: string): number | null {
  if (!DURATION.test(token)) return null;
  let ms = 0;
  for (const m of token.matchAll(DURATION_PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

const AGE = String.raw`((?:\d{1,9}[ydhms]){1,3})`;
const REPEAT = String.raw`(?:\s+\(x(\d{1,9}) over ${AGE}\))?`;
const TYPE = '(Normal|Warning)';
// A k9s or tmux frame around the row.
const FRAME = /^[\s│|]+/;
// describe's Events table (Type Reason Age From Message); `kubectl events` puts LAST SEEN first.
const DESCRIBE_ROW = new RegExp(String.raw`^${TYPE}\s+(\S+)\s+${AGE}${REPEAT}\s+(.*)$`);
const GET_ROW = new RegExp(String.raw`^${AGE}${REPEAT}\s+${TYPE}\s+(\S+)\s+(.*)$`);
// kubectl before 1.14 (get events: LASTSEEN FIRSTSEEN COUNT ...; describe: FirstSeen LastSeen Count ...).
const OLD_ROW = new RegExp(String.raw`^${AGE}\s+${AGE}\s+(\d{1,9})\s.*?\s${TYPE}\s+(\S+)\s*(.*)$`);

/**
 * The timing of one row of an events table (describe's Events, `kubectl get events`,
 * `kubectl events`, their pre-1.14 layouts), or null when the line is no such row.
 * @example eventRowTiming('  Warning  Unhealthy  49m (x4 over 49m)  kubelet  Readiness probe failed')
 */
export function eventRowTiming(line: string): EventTiming | null {
  const row = line.length > 2000 ? line.slice(0, 2000) : line;
  const text = row.replace(FRAME, '');
  const describe = DESCRIBE_ROW.exec(text);
  if (describe)
    return rowTiming(
      describe[3]!,
      describe[4],
      describe[5],
      describe[1]!,
      describe[2]!,
      describe[6]!,
      1,
    );
  const get = GET_ROW.exec(text);
  if (get) return rowTiming(get[1]!, get[2], get[3], get[4]!, get[5]!, get[6]!, null);
  const old = OLD_ROW.exec(text);
  if (old) {
    const a = parseKubectlAge(old[1]!);
    const b = parseKubectlAge(old[2]!);
    if (a === null || b === null) return null;
    // The two layouts order first and last seen differently; the last is the more recent.
    return {
      lastSeenAgoMs: Math.min(a, b),
      firstSeenAgoMs: Math.max(a, b),
      lastSeenAt: null,
      firstSeenAt: null,
      count: Number(old[3]),
      type: old[4]!,
      reason: old[5]!,
      detail: cleanDetail(old[6]!),
    };
  }
  return null;
}

function rowTiming(
  age: string,
  count: string | undefined,
  first: string | undefined,
  type: string,
  reason: string,
  detail: string,
  unrepeated: number | null,
): EventTiming | null {
  const last = parseKubectlAge(age);
  if (last === null) return null;
  return {
    lastSeenAgoMs: last,
    firstSeenAgoMs: first === undefined ? null : parseKubectlAge(first),
    lastSeenAt: null,
    firstSeenAt: null,
    count: count === undefined ? unrepeated : Number(count),
    type,
    reason,
    detail: cleanDetail(detail),
  };
}

// A k9s frame closes the row too.
const cleanDetail = (rest: string) => trimEnd(rest, ' \t│|');

/** `text` without the trailing characters of `set`; a loop, since /[…]+$/ is quadratic on long runs. */
function trimEnd(text: string, set: string): string {
  let end = text.length;
  while (end > 0 && set.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** One Event object of a YAML or JSON listing, with the lines it spans. */
export interface EventRecord extends EventTiming {
  /** 1-based first and last line of the object. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** The line holding `message`, or the object's first line. */
  readonly messageLine: number;
  readonly message: string | null;
}

// A key of an Event object in YAML (`key: value`, `- key: value`) or JSON (`"key": value`).
// The value is trimmed by hand: a lazy value before optional trailing blanks is quadratic.
const KEY = /^(\s*)(- +)?"?([A-Za-z]+)"?\s*:(.*)$/;
const RECORD_KEYS = new Set([
  'lastTimestamp',
  'firstTimestamp',
  'eventTime',
  'count',
  'message',
  'reason',
  'type',
]);

const unquote = (v: string) => v.replace(/^["']|["']$/g, '');
const instant = (v: string): number | null => {
  const ms = Date.parse(unquote(v));
  return Number.isFinite(ms) && ms > 0 ? ms : null;
};

/**
 * The Event objects of a YAML or JSON listing (`kubectl get events -o yaml|json`, a watch stream):
 * each object's keys sit at the indentation of its `involvedObject`; a second `involvedObject`, or a
 * line indented less, starts or ends the next object. `series.lastObservedTime` / `series.count`
 * (events.k8s.io) sit one level deeper and override the legacy fields.
 * @example eventRecords('- involvedObject: {kind: Pod}\n  lastTimestamp: "2026-12-02T12:00:00Z"\n  message: x')
 */
export function eventRecords(text: string): EventRecord[] {
  if (!text.includes('involvedObject')) return [];
  let indent = -1;
  forEachLine(text, (line) => {
    const m = KEY.exec(line.length > 200 ? line.slice(0, 200) : line);
    if (m && m[3] === 'involvedObject') {
      indent = m[1]!.length + (m[2]?.length ?? 0);
      return false;
    }
  });
  if (indent < 0) return [];
  const records: (Mutable & { lastLine: number })[] = [];
  let open = null as Mutable | null;
  let inSeries = false;
  const close = (lastLine: number) => {
    if (open) records.push({ ...open, lastLine });
    open = null;
  };
  let previous = 0;
  forEachLine(text, (line, lineNo) => {
    const head = line.length > 2000 ? line.slice(0, 2000) : line;
    const m = KEY.exec(head);
    const lead = head.length - head.trimStart().length;
    if (head.trim() === '') return;
    const at = m ? m[1]!.length + (m[2]?.length ?? 0) : lead;
    if (at < indent) {
      close(previous);
      inSeries = false;
      previous = lineNo;
      return;
    }
    previous = lineNo;
    if (!m) return;
    const key = m[3]!;
    const value = trimEnd(trimEnd(m[4]!, ' \t'), ',').trim();
    if (at === indent) {
      inSeries = key === 'series';
      if (!open || (key === 'involvedObject' && open.sawObject) || (m[2] && open.sawAny))
        open = newRecord(lineNo, open, close);
      open.sawAny = true;
      if (key === 'involvedObject') open.sawObject = true;
      if (RECORD_KEYS.has(key)) setField(open, key, value, lineNo);
    } else if (inSeries && open) {
      if (key === 'lastObservedTime') open.seriesLast = instant(value);
      else if (key === 'count' && /^\d+$/.test(value)) open.seriesCount = Number(value);
    }
  });
  close(previous);
  return records.map(finish);
}

interface Mutable {
  firstLine: number;
  messageLine: number;
  message: string | null;
  last: number | null;
  first: number | null;
  eventTime: number | null;
  seriesLast: number | null;
  seriesCount: number | null;
  count: number | null;
  type: string | null;
  reason: string | null;
  sawObject: boolean;
  sawAny: boolean;
}

function newRecord(lineNo: number, open: Mutable | null, close: (l: number) => void): Mutable {
  if (open) close(lineNo - 1);
  return {
    firstLine: lineNo,
    messageLine: lineNo,
    message: null,
    last: null,
    first: null,
    eventTime: null,
    seriesLast: null,
    seriesCount: null,
    count: null,
    type: null,
    reason: null,
    sawObject: false,
    sawAny: false,
  };
}

function setField(r: Mutable, key: string, value: string, lineNo: number): void {
  if (key === 'lastTimestamp') r.last = instant(value);
  else if (key === 'firstTimestamp') r.first = instant(value);
  else if (key === 'eventTime') r.eventTime = instant(value);
  else if (key === 'count') r.count = /^\d+$/.test(value) ? Number(value) : r.count;
  else if (key === 'message') {
    r.message = unquote(value);
    r.messageLine = lineNo;
  } else if (key === 'reason') r.reason = unquote(value);
  else if (key === 'type') r.type = unquote(value);
}

function finish(r: Mutable & { lastLine: number }): EventRecord {
  return {
    firstLine: r.firstLine,
    lastLine: r.lastLine,
    messageLine: r.messageLine,
    message: r.message,
    lastSeenAgoMs: null,
    firstSeenAgoMs: null,
    lastSeenAt: r.seriesLast ?? r.last ?? r.eventTime ?? r.first,
    firstSeenAt: r.first ?? r.eventTime ?? r.last,
    count: r.seriesCount ?? r.count ?? 1,
    type: r.type,
    reason: r.reason,
    detail: r.message,
  };
}
