/**
 * Retries of a candidate line as part of a hard-wrapped message: `kubectl get -o yaml` folds a long
 * `message:` at about 80 columns, a narrow terminal cuts `kubectl describe`, blogs and issue reports
 * re-wrap. A line whose own test failed is retried joined with the continuation lines around it
 * (never across a line that starts a new record, record-start.ts), in windows of at most
 * WRAP_WINDOW_LINES lines that contain it. Each window is joined with a space; a terminal's mid-word
 * cut also gets the two-line join without one.
 *
 * Bounded per candidate line: at most WRAP_WINDOW_LINES space joins (only the widest window at each
 * start: an unanchored pattern that matches a narrower window matches the wider one too) plus two
 * unspaced ones, each of at most WRAP_WINDOW_MAX characters; neighbours are read through slices of
 * WRAP_JOIN_MAX characters, so a huge neighbouring line is never scanned whole.
 */
import { indentOf, startsRecord } from './record-start.js';
import { WRAP_JOIN_MAX, WRAP_WINDOW_LINES, WRAP_WINDOW_MAX } from './scan-limits.js';

/** One text to retry a candidate line as, named by the lines it joins. */
export interface WrappedJoin {
  readonly text: string;
  /** Line number of the first joined line: up to WRAP_WINDOW_LINES - 1 before the candidate's. */
  readonly first: number;
  /** Line number of the last joined line: up to WRAP_WINDOW_LINES - 1 after the candidate's. */
  readonly last: number;
  /** Joined with spaces, or without (a terminal's mid-word cut). */
  readonly spaced: boolean;
}

/** A neighbouring line: its text, and where the line beyond it (in the direction read) starts; -1: none. */
interface Neighbour {
  readonly text: string;
  readonly beyond: number;
}

function withoutCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
}

/** The line that starts at `start`, or null past the end or when it is longer than WRAP_JOIN_MAX. */
function lineFrom(output: string, start: number): Neighbour | null {
  if (start < 0 || start >= output.length) return null;
  const head = output.slice(start, start + WRAP_JOIN_MAX + 2);
  const nl = head.indexOf('\n');
  if (nl < 0 && start + head.length < output.length) return null;
  const text = withoutCr(nl < 0 ? head : head.slice(0, nl));
  if (text.length > WRAP_JOIN_MAX) return null;
  return { text, beyond: nl < 0 ? -1 : start + nl + 1 };
}

/** The line that ends just before `lineStart` (its '\n'), or null when none or too long. */
function lineBefore(output: string, lineStart: number): Neighbour | null {
  if (lineStart <= 0) return null;
  const end = lineStart - 1;
  const from = Math.max(0, end - WRAP_JOIN_MAX - 2);
  const nl = output.slice(from, end).lastIndexOf('\n');
  if (nl < 0 && from > 0) return null;
  const start = nl < 0 ? 0 : from + nl + 1;
  const text = withoutCr(output.slice(start, end));
  if (text.length > WRAP_JOIN_MAX) return null;
  return { text, beyond: start };
}

/**
 * The pieces (trimmed) of the record around the candidate line that starts at `lineStart`: up to
 * WRAP_WINDOW_LINES - 1 lines each side, stopping at a record start, and the candidate's index.
 */
function continuationRun(
  output: string,
  lineStart: number,
  line: string,
): { pieces: string[]; candidate: number } {
  const indent = indentOf(line);
  const reach = WRAP_WINDOW_LINES - 1;
  const before: string[] = [];
  // A line continues the one before it unless it starts a record; the record's first line is kept.
  let current = line;
  let start = lineStart;
  while (before.length < reach && !startsRecord(current, indent)) {
    const prev = lineBefore(output, start);
    if (!prev || prev.text.trim() === '') break;
    before.unshift(prev.text.trim());
    current = prev.text;
    start = prev.beyond;
  }
  const after: string[] = [];
  let end = lineStart + line.length;
  if (output.charCodeAt(end) === 13) end++;
  let next = end < output.length ? lineFrom(output, end + 1) : null;
  while (next && after.length < reach && !startsRecord(next.text, indent)) {
    after.push(next.text.trim());
    next = lineFrom(output, next.beyond);
  }
  return { pieces: [...before, line.trim(), ...after], candidate: before.length };
}

/**
 * The joins to retry line `lineNo` as (its text `line`, starting at offset `lineStart` of
 * `output`); empty when the line is too long to have been wrapped or no neighbour continues it.
 * @example wrappedJoins('message: Tag v2\n    not found', 2, 16, '    not found').map((j) => j.text) // ['message: Tag v2 not found', 'message: Tag v2not found']
 */
export function wrappedJoins(
  output: string,
  lineNo: number,
  lineStart: number,
  line: string,
): WrappedJoin[] {
  // Only pieces a screen wide were wrapped; this also keeps the retries linear in the section.
  if (line.length > WRAP_JOIN_MAX) return [];
  const { pieces, candidate } = continuationRun(output, lineStart, line);
  if (pieces.length === 1) return [];
  const firstLine = lineNo - candidate;
  const window = (from: number, to: number, spaced: boolean): WrappedJoin => ({
    text: pieces.slice(from, to + 1).join(spaced ? ' ' : ''),
    first: firstLine + from,
    last: firstLine + to,
    spaced,
  });
  const lengthOf = (from: number, to: number) => {
    let n = to - from;
    for (let i = from; i <= to; i++) n += pieces[i]!.length;
    return n;
  };
  const joins: WrappedJoin[] = [];
  let lastEnd = -1;
  for (let from = 0; from <= candidate; from++) {
    let to = Math.min(from + WRAP_WINDOW_LINES - 1, pieces.length - 1);
    while (to > candidate && lengthOf(from, to) > WRAP_WINDOW_MAX) to--;
    // A window that ends where the previous (wider) one ended lies inside it; the candidate alone was tested.
    if (to <= lastEnd || to === from || lengthOf(from, to) > WRAP_WINDOW_MAX) continue;
    lastEnd = to;
    joins.push(window(from, to, true));
  }
  // A terminal's mid-word cut: the candidate with the piece before it, then with the one after it.
  for (let i = Math.max(candidate - 1, 0); i <= candidate && i < pieces.length - 1; i++)
    joins.push(window(i, i + 1, false));
  return joins;
}

/** A join a pattern was tested on, and whether it matched. */
interface TestedJoin {
  readonly join: WrappedJoin;
  readonly matched: boolean;
}

/** Joins of the same lines, spaced alike, are the same text. */
function sameJoin(a: WrappedJoin, b: WrappedJoin): boolean {
  return a.first === b.first && a.last === b.last && a.spaced === b.spaced;
}

/**
 * The wrapped-message retries of one section, for every pattern. Consecutive candidate lines of a
 * wrapped message share all but one of their windows, so each pattern remembers the joins its last
 * retried line tested: a message whose every line is a candidate costs one new window per line, not
 * WRAP_WINDOW_LINES.
 */
export class WrappedRetries {
  /** The joins of line `joinsLine` (0: none yet), read once however many patterns retry it. */
  private joinsLine = 0;
  private joins: readonly WrappedJoin[] = [];
  private readonly tested: (readonly TestedJoin[] | undefined)[];

  constructor(
    private readonly output: string,
    patterns: number,
  ) {
    this.tested = new Array(patterns);
  }

  /**
   * Whether pattern `pattern` matches a join of line `lineNo` (text `line`, at offset `lineStart`):
   * each join is handed to `test` unless the pattern's previous retried line tested the same one.
   */
  matches(
    pattern: number,
    lineNo: number,
    lineStart: number,
    line: string,
    test: (text: string) => boolean,
  ): boolean {
    if (this.joinsLine !== lineNo) {
      this.joinsLine = lineNo;
      this.joins = wrappedJoins(this.output, lineNo, lineStart, line);
    }
    const previous = this.tested[pattern];
    const tested: TestedJoin[] = [];
    let matched = false;
    for (const join of this.joins) {
      const known = previous?.find((t) => sameJoin(t.join, join));
      matched = known ? known.matched : test(join.text);
      tested.push({ join, matched });
      if (matched) break;
    }
    this.tested[pattern] = tested;
    return matched;
  }
}
