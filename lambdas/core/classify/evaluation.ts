import type { FactKind, MatchExpression, PatternMatch } from '../runbook/model.js';
import type { Fact } from './facts/index.js';

/** One line that proves a match, as the spec's classify result prints it. */
export interface EvidenceLine {
  readonly section: string;
  /** 1-based line number within the section output. */
  readonly line: number;
  readonly text: string;
  /** The workload a fact names (container or pod), for linking evidence to the alarmed target; never printed. */
  readonly subject?: string;
}

/** What evaluating an expression found. */
export interface MatchOutcome {
  readonly matched: boolean;
  readonly evidence: readonly EvidenceLine[];
}

/** What a matcher may ask about the evidence; the engine precomputes and caches the answers. */
export interface EvaluationContext {
  /** Lines the pattern matched (after `unless`), in section then line order. */
  patternHits(leaf: PatternMatch): readonly EvidenceLine[];
  /** Facts of a kind from sections that pass the selectors. */
  facts(kind: FactKind, selectors: readonly string[] | undefined): readonly Fact[];
  /** Whether any section passing the selectors was collected. */
  collected(selectors: readonly string[]): boolean;
  /** Whether a section passing the selectors says it is incomplete (a list cut at its bound). */
  incomplete(selectors: readonly string[]): boolean;
  /** When an evidence line was logged (ms since the epoch), or null when it shows no timestamp. */
  timeOf(line: EvidenceLine): number | null;
  evaluate(expression: MatchExpression): MatchOutcome;
}

/** Evaluates one kind of match expression. */
export type Matcher<T extends MatchExpression> = (
  expression: T,
  context: EvaluationContext,
) => MatchOutcome;

/** Whether a section name passes a selector: exact name, `prefix.*`, or `*`. */
export function selectorAccepts(selector: string, section: string): boolean {
  if (selector === '*') return true;
  if (selector.endsWith('.*')) return section.startsWith(selector.slice(0, -1));
  return selector === section;
}

/** Whether a section passes any of the selectors (all sections when there are none). */
export function sectionSelected(
  selectors: readonly string[] | undefined,
  section: string,
): boolean {
  return !selectors || selectors.length === 0 || selectors.some((s) => selectorAccepts(s, section));
}

export const NO_MATCH: MatchOutcome = { matched: false, evidence: [] };
