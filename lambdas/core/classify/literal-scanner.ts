/**
 * Multi-literal search (Aho-Corasick) over ASCII-case-folded text, in one pass whatever the
 * number of literals. It also counts lines as it goes, so every hit knows its line number
 * and where the line starts. Characters outside ASCII fold to one class: a literal with such
 * characters may give false candidates, which the real regex then rejects.
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

/** A compiled automaton for a fixed set of lower-case literals. */
export class LiteralScanner {
  private readonly alphabet: Uint8Array;
  private readonly width: number;
  private readonly delta: Int32Array;
  private readonly outputStart: Int32Array;
  private readonly outputs: Int32Array;

  constructor(readonly literals: readonly string[]) {
    // Alphabet: class 0 for every character no literal uses; ASCII letters fold to lower case.
    this.alphabet = new Uint8Array(128);
    let classes = 1;
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128 && this.alphabet[c] === 0) {
          this.alphabet[c] = classes;
          const upper = String.fromCharCode(c).toUpperCase().charCodeAt(0);
          if (upper !== c && upper < 128) this.alphabet[upper] = classes;
          classes++;
        }
      }
    }
    this.width = classes;
    const goto: number[][] = [new Array<number>(classes).fill(-1)];
    const out: number[][] = [[]];
    literals.forEach((lit, index) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        const k = c < 128 ? this.alphabet[c]! : 0;
        if (goto[s]![k] === -1) {
          goto[s]![k] = goto.length;
          goto.push(new Array<number>(classes).fill(-1));
          out.push([]);
        }
        s = goto[s]![k]!;
      }
      out[s]!.push(index);
    });
    const fail = new Array<number>(goto.length).fill(0);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const t = goto[0]![k]!;
      if (t === -1) goto[0]![k] = 0;
      else { fail[t] = 0; queue.push(t); }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let k = 0; k < classes; k++) {
        const t = goto[s]![k]!;
        if (t === -1) goto[s]![k] = goto[fail[s]!]![k]!;
        else { fail[t] = goto[fail[s]!]![k]!; queue.push(t); }
      }
    }
    this.delta = new Int32Array(goto.length * classes);
    goto.forEach((row, s) => row.forEach((t, k) => { this.delta[s * classes + k] = t; }));
    this.outputStart = new Int32Array(goto.length + 1);
    let total = 0;
    out.forEach((o, s) => { this.outputStart[s] = total; total += o.length; });
    this.outputStart[goto.length] = total;
    this.outputs = new Int32Array(total);
    let w = 0;
    for (const o of out) for (const v of o) this.outputs[w++] = v;
  }

  /**
   * Calls `onHit` for every literal occurrence, in text order.
   * @returns the number of lines in the text.
   */
  scan(text: string, onHit: (hit: LiteralHit) => void): number {
    const { alphabet, width, delta, outputStart, outputs } = this;
    let state = 0;
    let line = 1;
    let lineStart = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) { line++; lineStart = i + 1; state = 0; continue; }
      state = delta[state * width + (c < 128 ? alphabet[c]! : 0)]!;
      const from = outputStart[state]!;
      const to = outputStart[state + 1]!;
      for (let o = from; o < to; o++) onHit({ literal: outputs[o]!, line, lineStart, end: i + 1 });
    }
    return line;
  }
}
