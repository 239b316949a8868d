import { linearEngineAccepts } from '../classify/regex-engine.js';
import type { MatchExpression, Runbook } from './model.js';
import { RunbookError } from './validate.js';

/** What a static ReDoS checker says about one regex. */
export interface RedosVerdict {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  /** e.g. `3rd degree polynomial`, `exponential`. */
  readonly complexity?: string;
  /** An input that makes a backtracking engine take super-linear time, as an expression (e.g. `'a'.repeat(31) + '!'`). */
  readonly attack?: string;
  /** Why the checker could not decide (e.g. `timeout`). */
  readonly reason?: string;
}

/** The port to a static ReDoS checker (case-insensitive unless told); the lint command supplies one. */
export type RedosChecker = (source: string, caseInsensitive: boolean) => RedosVerdict;

interface RegexSite {
  readonly path: string;
  readonly source: string;
  readonly caseInsensitive: boolean;
}

function regexSites(expression: MatchExpression, path: string, out: RegexSite[]): void {
  if ('pattern' in expression) {
    out.push({
      path: `${path}.pattern`,
      source: expression.pattern,
      caseInsensitive: !expression.caseSensitive,
    });
    if (expression.unless)
      out.push({ path: `${path}.unless`, source: expression.unless, caseInsensitive: true });
  } else if ('fact' in expression) {
    for (const [field, condition] of Object.entries(expression.where ?? {})) {
      if (!condition || typeof condition !== 'object') continue;
      if (condition.match !== undefined)
        out.push({
          path: `${path}.where.${field}.match`,
          source: condition.match,
          caseInsensitive: true,
        });
      if (condition.notMatch !== undefined)
        out.push({
          path: `${path}.where.${field}.notMatch`,
          source: condition.notMatch,
          caseInsensitive: true,
        });
    }
  } else if ('all' in expression)
    for (const [i, e] of expression.all.entries()) regexSites(e, `${path}.all[${i}]`, out);
  else if ('any' in expression)
    for (const [i, e] of expression.any.entries()) regexSites(e, `${path}.any[${i}]`, out);
  else if ('unresolved' in expression) {
    regexSites(expression.unresolved, `${path}.unresolved`, out);
    regexSites(expression.resolvedBy, `${path}.resolvedBy`, out);
  } else regexSites(expression.absent, `${path}.absent`, out);
}

/** Every regex of a runbook with its path in the document. */
function runbookRegexSites(runbook: Runbook): RegexSite[] {
  const out: RegexSite[] = [];
  for (const [i, s] of runbook.signals.entries()) regexSites(s.match, `signals[${i}].match`, out);
  for (const [i, r] of runbook.rulesOut.entries()) regexSites(r.match, `rulesOut[${i}].match`, out);
  for (const [i, c] of runbook.verify.checks.entries())
    regexSites(c.match, `verify.checks[${i}].match`, out);
  for (const [i, p] of (runbook.remediation.preconditions ?? []).entries())
    regexSites(p.match, `remediation.preconditions[${i}].match`, out);
  return out;
}

/**
 * The lint pass that keeps evidence matching linear. A regex the linear engine (RE2) can run needs
 * no proof: RE2 guarantees time linear in the line whatever the pattern, so checking it would only
 * cost lint time (a fuzzing checker takes seconds a pattern). A regex RE2 cannot express
 * (backreferences, lookaround) runs on the backtracking engine, so it must be proven linear by the
 * static checker; a super-linear one is rejected with the attack string that shows it, and one the
 * checker cannot decide is rejected too (not proven is not safe).
 * @example checkRegexSafety(runbooks, recheckRedosChecker) // [] when every regex is linear
 */
export function checkRegexSafety(
  runbooks: readonly Runbook[],
  checker: RedosChecker,
): RunbookError[] {
  const errors: RunbookError[] = [];
  for (const runbook of runbooks) {
    for (const site of runbookRegexSites(runbook)) {
      if (linearEngineAccepts(site.source)) continue;
      const verdict = checker(site.source, site.caseInsensitive);
      if (verdict.status === 'safe') continue;
      const fix =
        'the linear engine cannot run it (backreference or lookaround): rewrite it without them, or use a fact';
      errors.push(
        new RunbookError(
          runbook.id,
          site.path,
          verdict.status === 'vulnerable'
            ? `super-linear regex (${verdict.complexity ?? 'polynomial'} backtracking), attack string: ${verdict.attack ?? '(not given)'}; ${fix}`
            : `could not prove the regex linear (${verdict.reason ?? 'checker undecided'}); ${fix}`,
        ),
      );
    }
  }
  return errors;
}
