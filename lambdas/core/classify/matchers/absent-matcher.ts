import type { AbsentMatch } from '../../runbook/model.js';
import { NO_MATCH, type Matcher } from '../evaluation.js';

/**
 * Holds when the inner expression finds nothing in evidence that was actually collected and read
 * whole: a section that is missing proves nothing about absence, and neither does one built from a
 * list cut at its bound (its error says `incomplete: `), whose unread part may hold the line.
 */
export const absentMatcher: Matcher<AbsentMatch> = (expression, context) => {
  if (!context.collected(expression.in) || context.incomplete(expression.in)) return NO_MATCH;
  return context.evaluate(expression.absent).matched ? NO_MATCH : { matched: true, evidence: [] };
};
