import type { AbsentMatch } from '../../runbook/model.js';
import { NO_MATCH, type Matcher } from '../evaluation.js';

/**
 * Holds when the inner expression finds nothing in evidence that was actually collected:
 * a section that is missing proves nothing about absence.
 */
export const absentMatcher: Matcher<AbsentMatch> = (expression, context) => {
  if (!context.collected(expression.in)) return NO_MATCH;
  return context.evaluate(expression.absent).matched ? NO_MATCH : { matched: true, evidence: [] };
};
