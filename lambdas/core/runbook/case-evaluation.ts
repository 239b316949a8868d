import type { LabelledCase } from '../evidence/bundle.js';
import { classifyEvidence, type ClassifyOptions } from '../classify/engine.js';
import type { CompiledRulebook } from '../classify/compile.js';

/** The outcome of one labelled case. */
export interface CaseOutcome {
  readonly id: string;
  readonly expected: string | null;
  readonly actual: string | null;
  readonly confidence: number | null;
  readonly passed: boolean;
}

/** Accuracy per expected class (`(unclassified)` for negatives) and the confusions. */
export interface CaseReport {
  readonly outcomes: readonly CaseOutcome[];
  readonly total: number;
  readonly passed: number;
  readonly accuracy: number;
  readonly perClass: readonly { label: string; total: number; passed: number }[];
  readonly confusions: readonly {
    expected: string;
    actual: string;
    count: number;
    cases: readonly string[];
  }[];
}

/** Name used for "nothing should match" in reports. */
export const UNCLASSIFIED = '(unclassified)';

/**
 * Classifies every labelled case and compares the top match with its label.
 * @example evaluateCases(rulebook, cases).accuracy // 0.97
 */
export function evaluateCases(
  rulebook: CompiledRulebook,
  cases: readonly LabelledCase[],
  options?: ClassifyOptions,
): CaseReport {
  const outcomes = cases.map((c): CaseOutcome => {
    const top = classifyEvidence(rulebook, c.bundle, options).matches[0];
    const actual = top?.runbookId ?? null;
    return {
      id: c.id,
      expected: c.label,
      actual,
      confidence: top?.confidence ?? null,
      passed: actual === c.label,
    };
  });
  const byClass = new Map<string, { total: number; passed: number }>();
  const confusions = new Map<
    string,
    { expected: string; actual: string; count: number; cases: string[] }
  >();
  for (const o of outcomes) {
    const label = o.expected ?? UNCLASSIFIED;
    const entry = byClass.get(label) ?? { total: 0, passed: 0 };
    entry.total++;
    if (o.passed) entry.passed++;
    byClass.set(label, entry);
    if (!o.passed) {
      const actual = o.actual ?? UNCLASSIFIED;
      const key = `${label}\u0000${actual}`;
      const c = confusions.get(key) ?? { expected: label, actual, count: 0, cases: [] };
      c.count++;
      c.cases.push(o.id);
      confusions.set(key, c);
    }
  }
  const passed = outcomes.filter((o) => o.passed).length;
  return {
    outcomes,
    total: outcomes.length,
    passed,
    accuracy: outcomes.length === 0 ? 0 : passed / outcomes.length,
    perClass: [...byClass.entries()]
      .map(([label, v]) => ({ label, ...v }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count),
  };
}
