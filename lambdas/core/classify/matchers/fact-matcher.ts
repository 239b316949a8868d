import type { Condition, FactMatch } from '../../runbook/model.js';
import type { Matcher } from '../evaluation.js';
import type { FactValue } from '../facts/index.js';
import { detachedText } from '../detached-text.js';
import { compileLineRegex, type LineRegex } from '../regex-engine.js';

// Fact fields come from the evidence too: the same linear-time engine as patterns.
const regexCache = new Map<string, LineRegex>();
function regexOf(source: string): LineRegex {
  let re = regexCache.get(source);
  if (!re) {
    re = compileLineRegex(source, true);
    regexCache.set(source, re);
  }
  return re;
}

/** Whether one fact field satisfies one condition. A missing field satisfies nothing but `eq: null`. */
export function satisfies(value: FactValue | undefined, condition: Condition): boolean {
  const v = value === undefined ? null : value;
  if (condition === null || typeof condition !== 'object') return v === condition;
  if ('eq' in condition && v !== condition.eq) return false;
  if ('ne' in condition && v === condition.ne) return false;
  if (condition.gt !== undefined && !(typeof v === 'number' && v > condition.gt)) return false;
  if (condition.gte !== undefined && !(typeof v === 'number' && v >= condition.gte)) return false;
  if (condition.lt !== undefined && !(typeof v === 'number' && v < condition.lt)) return false;
  if (condition.lte !== undefined && !(typeof v === 'number' && v <= condition.lte)) return false;
  if (condition.match !== undefined && !(v !== null && regexOf(condition.match).test(String(v))))
    return false;
  if (condition.notMatch !== undefined && v !== null && regexOf(condition.notMatch).test(String(v)))
    return false;
  if (condition.in !== undefined && !(v !== null && condition.in.includes(v))) return false;
  return true;
}

/** A fact match holds when at least `minCount` facts of the kind satisfy every `where` condition. */
export const factMatcher: Matcher<FactMatch> = (expression, context) => {
  const where = Object.entries(expression.where ?? {});
  const hits = context
    .facts(expression.fact, expression.sections)
    .filter((f) => where.every(([k, c]) => satisfies(f.fields[k], c)));
  return {
    matched: hits.length >= (expression.minCount ?? 1),
    // Copies (detachedText): a fact's text and fields are cut from its section, and an evidence
    // line outlives the bundle in a result.
    evidence: hits.flatMap((f) => {
      const subject = f.fields.name ?? f.fields.container ?? f.fields.pod;
      const lines = [{ section: f.section, line: f.line, text: f.text }, ...(f.joined ?? [])].map(
        (l) => ({ ...l, text: detachedText(l.text) }),
      );
      return typeof subject === 'string' && subject !== ''
        ? lines.map((l) => ({ ...l, subject: detachedText(subject) }))
        : lines;
    }),
  };
};
