import type { AllMatch } from '../../runbook/model.js';
import { NO_MATCH, type EvidenceLine, type Matcher } from '../evaluation.js';

/** Holds when every sub-expression holds; the evidence is all of theirs. */
export const allMatcher: Matcher<AllMatch> = (expression, context) => {
  const evidence: EvidenceLine[] = [];
  for (const sub of expression.all) {
    const outcome = context.evaluate(sub);
    if (!outcome.matched) return NO_MATCH;
    evidence.push(...outcome.evidence);
  }
  return { matched: true, evidence };
};
