/**
 * Multi-literal search (Aho-Corasick) over ASCII-case-folded text, in one pass whatever the
 * number of literals. Characters outside ASCII share one class: a literal with such characters
 * may give false candidates, which the real regex then rejects.
 *
 * The hot loop is one table load per character: rows are padded to a power of two (a shift,
 * not a multiply) and states that end a literal are stored negated, so the common path is a
 * single sign test. Hits are buffered and their line numbers found afterwards with native
 * indexOf('\n'), so the loop does not test for newlines either.
 *
 * The table holds 16-bit entries while the automaton has fewer than 32,768 states (the runbooks'
 * ~670 literals make ~10,000). At 32 bits it was 2.6 MB, more than a core's 1 MiB L2 cache: text
 * dense with literals walks every state, and each step was a cache miss (0.9 ms per 64 KB of such
 * text against 0.4 at 16 bits; ordinary text, which stays near the root, costs the same).
 */

/** One occurrence of a literal: which literal, and the line it sits on. */
export interface LiteralHit {
  readonly literal: number;
  /** 1-based line number within the text. */
  readonly line: number;
  readonly lineStart: number;
  /** Offset just past the end of the literal. */
  readonly end: number;
}

// Class 0: ASCII characters no literal uses, and '\n' (literals never span lines).
// Class 1: every non-ASCII character.
const OTHER = 0;
const NON_ASCII = 1;

/** A compiled automaton for a fixed set of lower-case literals. */
export class LiteralScanner {
  private readonly alphabet: Uint8Array;
  /** Character class of every UTF-16 code unit, so the hot loop needs no range test. */
  private readonly table: Uint8Array;
  private hitBuffer = new Int32Array(1024);
  private readonly shift: number;
  private readonly delta: Int16Array | Int32Array;
  private readonly outputStart: Int32Array;
  private readonly outputs: Int32Array;

  constructor(readonly literals: readonly string[]) {
    this.alphabet = new Uint8Array(128);
    let classes = 2;
    const classOf = (c: number) => (c < 128 ? this.alphabet[c]! : NON_ASCII);
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128 && c !== 10 && this.alphabet[c] === OTHER) {
          this.alphabet[c] = classes;
          const upper = String.fromCharCode(c).toUpperCase().charCodeAt(0);
          if (upper !== c && upper < 128) this.alphabet[upper] = classes;
          classes++;
        }
      }
    }
    let shift = 0;
    while (1 << shift < classes) shift++;
    this.shift = shift;
    this.table = new Uint8Array(65536).fill(NON_ASCII);
    this.table.set(this.alphabet);
    const width = 1 << shift;

    const goto: Int32Array[] = [new Int32Array(width).fill(-1)];
    const out: number[][] = [[]];
    literals.forEach((lit, index) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const k = classOf(lit.charCodeAt(i));
        if (goto[s]![k] === -1) {
          goto[s]![k] = goto.length;
          goto.push(new Int32Array(width).fill(-1));
          out.push([]);
        }
        s = goto[s]![k]!;
      }
      out[s]!.push(index);
    });
    const fail = new Int32Array(goto.length);
    const queue: number[] = [];
    for (let k = 0; k < width; k++) {
      const t = goto[0]![k]!;
      if (t === -1 || k === OTHER) goto[0]![k] = 0;
      else queue.push(t);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let k = 0; k < width; k++) {
        const t = goto[s]![k]!;
        if (t === -1 || k === OTHER) goto[s]![k] = goto[fail[s]!]![k]!;
        else {
          fail[t] = goto[fail[s]!]![k]!;
          queue.push(t);
        }
      }
    }
    // Targets that end a literal are stored as ~target (negative).
    this.delta = new (goto.length <= 0x8000 ? Int16Array : Int32Array)(goto.length * width);
    for (const [s, row] of goto.entries())
      for (const [k, t] of row.entries())
        this.delta[(s << shift) + k] = out[t]!.length > 0 ? ~t : t;
    this.outputStart = new Int32Array(goto.length + 1);
    let total = 0;
    out.forEach((o, s) => {
      this.outputStart[s] = total;
      total += o.length;
    });
    this.outputStart[goto.length] = total;
    this.outputs = new Int32Array(total);
    let w = 0;
    for (const o of out) for (const v of o) this.outputs[w++] = v;
  }

  /**
   * Calls `onHit` for every literal occurrence, in text order.
   * @param firstPerLine report only the first occurrence of each literal on each line: a line full
   *   of literals (hostile evidence) then costs one callback per literal, not one per occurrence.
   * @returns the number of lines in the text.
   */
  scan(text: string, onHit: (hit: LiteralHit) => void, firstPerLine = false): number {
    const { table, shift, delta } = this;
    // Pass 1, the hot loop: one table load and one sign test per character; hits are buffered.
    let hits = this.hitBuffer;
    let count = 0;
    let state = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      state = delta[(state << shift) + table[text.charCodeAt(i)]!]!;
      if (state < 0) {
        state = ~state;
        if (count + 2 > hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          hits = grown;
          this.hitBuffer = grown;
        }
        hits[count++] = i;
        hits[count++] = state;
      }
    }
    // Pass 2: line numbers for the hits only, walking newlines forward with native indexOf.
    let line = 1;
    let lineStart = 0;
    let nextNewline = text.indexOf('\n');
    const seenOnLine = firstPerLine ? new Int32Array(this.literals.length) : null;
    // A state's outputs are the same each time it is reached: once reported on a line, skip it.
    const stateSeenOnLine = firstPerLine ? new Int32Array(this.outputStart.length) : null;
    for (let h = 0; h < count; h += 2) {
      const at = hits[h]!;
      while (nextNewline !== -1 && nextNewline < at) {
        line++;
        lineStart = nextNewline + 1;
        nextNewline = text.indexOf('\n', lineStart);
      }
      const s = hits[h + 1]!;
      if (stateSeenOnLine) {
        if (stateSeenOnLine[s] === line) continue;
        stateSeenOnLine[s] = line;
      }
      for (let o = this.outputStart[s]!; o < this.outputStart[s + 1]!; o++) {
        const literal = this.outputs[o]!;
        if (seenOnLine) {
          if (seenOnLine[literal] === line) continue;
          seenOnLine[literal] = line;
        }
        onHit({ literal, line, lineStart, end: at + 1 });
      }
    }
    while (nextNewline !== -1) {
      line++;
      nextNewline = text.indexOf('\n', nextNewline + 1);
    }
    return line;
  }
}
