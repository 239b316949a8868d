import type { PatternMatch } from '../../runbook/model.js';
import type { Matcher } from '../evaluation.js';

/** A pattern holds when at least `minCount` lines of the selected sections match it. */
export const patternMatcher: Matcher<PatternMatch> = (expression, context) => {
  const hits = context.patternHits(expression);
  return { matched: hits.length >= (expression.minCount ?? 1), evidence: hits };
};
