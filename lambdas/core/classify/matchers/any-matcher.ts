import type { AnyMatch } from '../../runbook/model.js';
import type { EvidenceLine, Matcher } from '../evaluation.js';

/** Holds when one sub-expression holds; the evidence is that of every one that held. */
export const anyMatcher: Matcher<AnyMatch> = (expression, context) => {
  const evidence: EvidenceLine[] = [];
  let matched = false;
  for (const sub of expression.any) {
    const outcome = context.evaluate(sub);
    if (outcome.matched) {
      matched = true;
      evidence.push(...outcome.evidence);
    }
  }
  return { matched, evidence };
};
