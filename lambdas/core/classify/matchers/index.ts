import type {
  AbsentMatch,
  AllMatch,
  AnyMatch,
  FactMatch,
  MatchExpression,
  PatternMatch,
  UnresolvedMatch,
} from '../../runbook/model.js';
import type { EvaluationContext, MatchOutcome } from '../evaluation.js';
import { absentMatcher } from './absent-matcher.js';
import { allMatcher } from './all-matcher.js';
import { anyMatcher } from './any-matcher.js';
import { factMatcher } from './fact-matcher.js';
import { patternMatcher } from './pattern-matcher.js';
import { unresolvedMatcher } from './unresolved-matcher.js';

/** Dispatches an expression to its matcher by the key that names its kind. */
export function evaluateExpression(
  expression: MatchExpression,
  context: EvaluationContext,
): MatchOutcome {
  if ('pattern' in expression) return patternMatcher(expression as PatternMatch, context);
  if ('fact' in expression) return factMatcher(expression as FactMatch, context);
  if ('all' in expression) return allMatcher(expression as AllMatch, context);
  if ('any' in expression) return anyMatcher(expression as AnyMatch, context);
  if ('unresolved' in expression) return unresolvedMatcher(expression as UnresolvedMatch, context);
  return absentMatcher(expression as AbsentMatch, context);
}
