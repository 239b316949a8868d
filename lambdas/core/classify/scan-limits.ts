/**
 * Bounds on what one classification spends on regexes, and the record of every time a bound
 * was hit. Evidence is written by the thing being diagnosed, so a bound is never silent: the
 * classify result carries `limits` whenever a line was cut or a section's budget ran out.
 *
 * The budget is counted in characters handed to the regex engines, not in milliseconds: the
 * core reads no clock, and a replayed bundle must classify the same way on a busy machine as on
 * a quiet one. With the linear engine a character costs a bounded time, so this is a time budget
 * in a deterministic unit.
 */

/** Longest line the regexes see, in UTF-16 code units; longer lines are tested on their head. */
export const LINE_CAP = 16_384;

/**
 * Longest line that is retried joined to its neighbours. Hard-wrapped messages come from
 * terminals and YAML folding, whose pieces are at most a screen wide; a longer line was not wrapped.
 */
export const WRAP_JOIN_MAX = 1_024;

/**
 * Most lines one retry of a wrapped message joins: the candidate and up to three continuation lines
 * before and/or after it. `kubectl get -o yaml` folds a containerd pull error over three to five
 * lines; a wider window would mostly join what no single message says.
 */
export const WRAP_WINDOW_LINES = 4;

/** Longest joined text one retry tests: what two pieces of WRAP_JOIN_MAX joined to before windows grew. */
export const WRAP_WINDOW_MAX = 2 * WRAP_JOIN_MAX;

/**
 * Regex work one line may ask for, in characters: LINE_PASSES passes over it, at least
 * LINE_WORK_FLOOR. An ordinary line is a candidate for one or two patterns; a line that carries the
 * literals of every runbook would otherwise cost one pass per pattern. The patterns left untested
 * on such a line are recorded (busyLines).
 */
export const LINE_PASSES = 1;
/** The least regex work any line may ask for: a short line may be tested by every pattern. */
export const LINE_WORK_FLOOR = 16_384;

/** Regex budget of a section: a fixed allowance plus this many characters per character of output. */
export const BUDGET_PER_CHAR = 48;
/** The fixed part of a section's regex budget, in characters. */
export const BUDGET_BASE = 2 * 1024 * 1024;

/** Lines kept in the record of cut lines (the count covers all of them). */
const MAX_RECORDED = 8;

/** A bound that was hit while classifying, as the classify result reports it. */
export interface ClassificationLimits {
  /** Lines longer than LINE_CAP: only their first LINE_CAP characters were tested. */
  readonly longLines?: {
    readonly count: number;
    readonly cap: number;
    readonly first: readonly { section: string; line: number; length: number }[];
  };
  /** Lines that were candidates for more regex work than LINE_PASSES allow: later candidate patterns were not tested on them. */
  readonly busyLines?: {
    readonly count: number;
    readonly first: readonly { section: string; line: number }[];
  };
  /** Sections whose regex budget ran out: candidate lines from `line` on were not tested. */
  readonly budgetExhausted?: readonly { section: string; line: number; budget: number }[];
}

/** Spends one section's regex budget and notes where it ran out. */
export class SectionBudget {
  private spent = 0;
  private line = 0;
  private lineSpent = 0;
  /** The first line that could not be tested, or 0 while the budget lasts. */
  exhaustedAt = 0;
  /** Lines whose own work cap was reached, in order. */
  readonly busyLines: number[] = [];

  constructor(
    readonly section: string,
    readonly budget: number,
  ) {}

  /**
   * Whether a test of `chars` characters on line `line` may run; charges it when it may.
   * `direct`: the test is of the line itself (its own cap applies), not of a join with neighbours.
   */
  spend(chars: number, line: number, direct: boolean): boolean {
    if (this.exhaustedAt > 0) return false;
    if (line !== this.line) {
      this.line = line;
      this.lineSpent = 0;
    }
    if (direct) {
      if (this.lineSpent + chars > Math.max(LINE_WORK_FLOOR, LINE_PASSES * chars)) {
        if (this.busyLines[this.busyLines.length - 1] !== line) this.busyLines.push(line);
        return false;
      }
      this.lineSpent += chars;
    }
    if (this.spent + chars > this.budget) {
      this.exhaustedAt = line;
      return false;
    }
    this.spent += chars;
    return true;
  }
}

/** Collects the bounds hit during one classification. */
export class LimitsRecorder {
  private longLineCount = 0;
  private readonly longLines: { section: string; line: number; length: number }[] = [];
  private readonly budgets: SectionBudget[] = [];
  private readonly noted = new Set<string>();

  /** A fresh budget for one section's output. */
  budgetFor(section: string, outputLength: number): SectionBudget {
    const budget = new SectionBudget(section, BUDGET_BASE + BUDGET_PER_CHAR * outputLength);
    this.budgets.push(budget);
    return budget;
  }

  /** Notes a line longer than LINE_CAP (once per line). */
  noteLongLine(section: string, line: number, length: number): void {
    const key = `${section}\u0000${line}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.longLineCount++;
    if (this.longLines.length < MAX_RECORDED) this.longLines.push({ section, line, length });
  }

  /** Notes the line of `output` starting at `lineStart` when it is longer than LINE_CAP. */
  noteIfLong(section: string, line: number, output: string, lineStart: number): void {
    let end = output.indexOf('\n', lineStart);
    if (end < 0) end = output.length;
    if (output.charCodeAt(end - 1) === 13) end--;
    if (end - lineStart > LINE_CAP) this.noteLongLine(section, line, end - lineStart);
  }

  /** `{ limits }` to spread into a classify result, or nothing when no bound was hit. */
  asResultField(): { limits?: ClassificationLimits } {
    const limits = this.result();
    return limits ? { limits } : {};
  }

  /** The record for the result, or undefined when no bound was hit. */
  result(): ClassificationLimits | undefined {
    const exhausted = this.budgets
      .filter((b) => b.exhaustedAt > 0)
      .map((b) => ({ section: b.section, line: b.exhaustedAt, budget: b.budget }));
    const busy = this.budgets.flatMap((b) =>
      b.busyLines.map((line) => ({ section: b.section, line })),
    );
    if (this.longLineCount === 0 && exhausted.length === 0 && busy.length === 0) return undefined;
    return {
      ...(busy.length > 0
        ? { busyLines: { count: busy.length, first: busy.slice(0, MAX_RECORDED) } }
        : {}),
      ...(this.longLineCount > 0
        ? {
            longLines: {
              count: this.longLineCount,
              cap: LINE_CAP,
              first: [...this.longLines].sort((a, b) =>
                a.section === b.section ? a.line - b.line : a.section < b.section ? -1 : 1,
              ),
            },
          }
        : {}),
      ...(exhausted.length > 0 ? { budgetExhausted: exhausted } : {}),
    };
  }
}
