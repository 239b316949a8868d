import { RE2JS } from 're2js';

/**
 * Which engine runs a runbook regex.
 * - `linear`: RE2 semantics (re2js, a pure JavaScript port of RE2 with a lazy DFA): time linear in
 *   the text whatever the pattern, so evidence written by the thing being diagnosed cannot stall it.
 * - `backtracking`: the JavaScript engine, only for what RE2 cannot express (backreferences,
 *   lookaround). `runbooks lint` rejects such a pattern unless a static ReDoS check proves it
 *   linear, and the classifier feeds it shorter lines (BACKTRACKING_LINE_CAP) as a second guard.
 */
export type RegexEngineKind = 'linear' | 'backtracking';

/** A compiled line regex: a boolean test and the engine that runs it. */
export interface LineRegex {
  readonly source: string;
  readonly engine: RegexEngineKind;
  test(text: string): boolean;
}

/** Longest text a backtracking-engine pattern is tested on, in UTF-16 code units. */
export const BACKTRACKING_LINE_CAP = 2048;

/** The RE2 translation of a JavaScript regex source, or null when RE2 cannot express it. */
function compileLinear(source: string, caseInsensitive: boolean): RE2JS | null {
  try {
    return RE2JS.compile(
      RE2JS.translateRegExp(source),
      caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0,
    );
  } catch {
    return null;
  }
}

/** Whether the linear engine can run this JavaScript regex source (so it needs no ReDoS proof). */
export function linearEngineAccepts(source: string): boolean {
  return compileLinear(source, true) !== null;
}

/**
 * A runbook regex (JavaScript syntax) on the linear engine when RE2 can express it, else on the
 * backtracking engine. Compiled on first use: a classification tests only the patterns whose
 * literals the evidence holds (literal-scanner.ts), and compiling all of them (about 200) costs more
 * than classifying a small bundle. A source neither engine accepts throws SyntaxError on first use
 * (validation reports it earlier, as `invalid regular expression`).
 * @example compileLineRegex('no space left on device', true).test('write: No space left on device') // true
 */
export function compileLineRegex(source: string, caseInsensitive: boolean): LineRegex {
  let compiled: { engine: RegexEngineKind; test: (text: string) => boolean } | undefined;
  const regex = () => (compiled ??= compileNow(source, caseInsensitive));
  return {
    source,
    get engine() {
      return regex().engine;
    },
    test: (text) => regex().test(text),
  };
}

function compileNow(
  source: string,
  caseInsensitive: boolean,
): { engine: RegexEngineKind; test: (text: string) => boolean } {
  const linear = compileLinear(source, caseInsensitive);
  if (linear) return { engine: 'linear', test: (text) => linear.test(text) };
  const backtracking = new RegExp(source, caseInsensitive ? 'i' : '');
  return {
    engine: 'backtracking',
    test: (text) =>
      backtracking.test(
        text.length > BACKTRACKING_LINE_CAP ? text.slice(0, BACKTRACKING_LINE_CAP) : text,
      ),
  };
}
