import type { FactKind } from '../../runbook/model.js';

/** A value a fact field may hold. */
export type FactValue = string | number | boolean | null;

/** Something parsed from a known output, with the line that shows it. */
export interface Fact {
  readonly kind: FactKind;
  readonly section: string;
  /** 1-based line within the section output. */
  readonly line: number;
  readonly text: string;
  readonly fields: Readonly<Record<string, FactValue>>;
  /** A joined fact's other halves (the listener beside the published port): shown as evidence too. */
  readonly joined?: readonly FactLine[];
}

/** One line a fact rests on. */
export interface FactLine {
  readonly section: string;
  /** 1-based line within the section output. */
  readonly line: number;
  readonly text: string;
}

/** Parses one kind of fact out of a section's text. Pure; never throws on odd input. */
export interface FactExtractor {
  readonly kind: FactKind;
  /**
   * Lower-case literals, one of which every output in this format contains (a header word, a key).
   * The engine adds them to its single literal scan, so only sections that show a marker are parsed.
   */
  readonly markers: readonly string[];
  /** Exact test on a section that showed a marker (case, structure) before it is parsed line by line. */
  mayContain(text: string): boolean;
  /**
   * The facts of one section's output. `command` is the command that printed it, when the lines
   * above the output's first heading may be read under it (a pasted report's `sudo cat
   * /proc/$(pidof dockerd)/environ`): absent on a truncated section, whose first lines are not
   * the command's first.
   */
  extract(section: string, text: string, command?: string): Fact[];
}

/** Calls `visit` for each line with its 1-based number; stops early when it returns false. */
export function forEachLine(
  text: string,
  visit: (line: string, lineNo: number) => boolean | undefined,
): void {
  let start = 0;
  let lineNo = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line =
      text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (visit(line, lineNo) === false) return;
    start = end + 1;
    lineNo++;
  }
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
  p: 1e15,
  pb: 1e15,
  pib: 1024 ** 5,
};

/** Parses sizes as docker and df print them ("8.71TB", "406kB", "5.4G", "0B"); null if not a size. */
export function parseSize(token: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?i?b?)$/i.exec(token.trim());
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? null : Math.round(Number(m[1]) * unit);
}

/** Shortens a line for display as evidence. */
export function clip(line: string, max = 400): string {
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
