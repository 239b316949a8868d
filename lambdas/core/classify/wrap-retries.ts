/**
 * Remembers, per pattern, which joins of its last candidate line were tested and how they came
 * out, so a wrapped message whose every line is a candidate costs one new window per line, not
 * WRAP_WINDOW_LINES: consecutive candidates share all but one of their windows. A window is named
 * by the lines it joins, so the same name is the same text and the same outcome.
 */
import type { WrappedJoin } from './wrapped-joins.js';

interface TestedJoin {
  readonly first: number;
  readonly last: number;
  readonly spaced: boolean;
  readonly matched: boolean;
}

/** The wrapped-line retries of one section, for every pattern. */
export class WrapRetries {
  private readonly tested: (readonly TestedJoin[] | undefined)[];

  constructor(patterns: number) {
    this.tested = new Array(patterns);
  }

  /**
   * Whether any of `joins` of line `lineNo` matches pattern `pattern`: each is handed to `test`
   * unless the pattern's previous candidate line already tested the same lines the same way.
   */
  matches(
    pattern: number,
    lineNo: number,
    joins: readonly WrappedJoin[],
    test: (text: string) => boolean,
  ): boolean {
    const previous = this.tested[pattern];
    const tested: TestedJoin[] = [];
    let matched = false;
    for (const join of joins) {
      const first = lineNo + join.first;
      const last = lineNo + join.last;
      const known = previous?.find(
        (t) => t.first === first && t.last === last && t.spaced === join.spaced,
      );
      const outcome = known ? known.matched : test(join.text);
      tested.push({ first, last, spaced: join.spaced, matched: outcome });
      if (outcome) {
        matched = true;
        break;
      }
    }
    this.tested[pattern] = tested;
    return matched;
  }
}
