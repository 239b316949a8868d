/**
 * A port of Go's text/tabwriter (the elastic-tabstop writer kubectl prints through) for the
 * settings kubectl uses: left-aligned cells padded with spaces. A cell is text terminated by a
 * tab; a column block is a run of consecutive lines that all have a cell in that column, and
 * every cell of a block is padded to the block's widest cell plus `padding` (at least `minWidth`).
 */
export interface TabWriterOptions {
  readonly minWidth: number;
  readonly padding: number;
}

/** `kubectl describe` (tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)). */
export const DESCRIBE_TABS: TabWriterOptions = { minWidth: 0, padding: 2 };
/** `kubectl get` tables (printers.GetNewTabWriter: minwidth 6, padding 3). */
export const GET_TABS: TabWriterOptions = { minWidth: 6, padding: 3 };

// Go counts runes (utf8.RuneCount), not UTF-16 units.
const width = (s: string) => [...s].length;

/**
 * Formats text containing tab-separated cells exactly as Go's tabwriter would after Flush.
 * @example formatTabbed('a:\tb\nlong:\tc\n', DESCRIBE_TABS) // 'a:     b\nlong:  c\n'
 */
export function formatTabbed(text: string, options: TabWriterOptions = DESCRIBE_TABS): string {
  const endsWithNewline = text.endsWith('\n');
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let s = '';
      cells.forEach((cell, j) => {
        s += cell;
        if (j < widths.length && j < cells.length - 1)
          s += ' '.repeat(Math.max(0, widths[j]! - width(cell)));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      // A cell exists in this column: print the lines before the block, then measure the block.
      writeLines(start, t);
      start = t;
      let w = options.minWidth;
      for (; t < line1; t++) {
        const cells = lines[t]!;
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]!) + options.padding);
      }
      widths.push(w);
      format(start, t);
      widths.pop();
      start = t;
      t--; // the for-loop increment resumes at the line that ended the block
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Builds describe output line by line with kubectl's PrefixWriter levels (2 spaces per level). */
export class PrefixWriter {
  private readonly chunks: string[] = [];
  private pending = '';

  /** Writes `text` after `level` indentation (kubectl's w.Write(LEVEL_n, ...)). */
  write(level: number, text: string): void {
    this.pending += '  '.repeat(level) + text;
  }

  /** Formats what was written since the last flush as one tabwriter run (kubectl's w.Flush()). */
  flush(options: TabWriterOptions = DESCRIBE_TABS): void {
    if (this.pending) this.chunks.push(formatTabbed(this.pending, options));
    this.pending = '';
  }

  /** The formatted text. */
  toString(): string {
    this.flush();
    return this.chunks.join('');
  }
}
