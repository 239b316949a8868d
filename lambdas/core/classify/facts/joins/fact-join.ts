import {
  JOINED_FACT_KINDS,
  type FactKind,
  type JoinedFactKind,
  type ParsedFactKind,
} from '../../../runbook/model.js';
import type { Fact } from '../fact.js';

/** One section's name and text. */
export interface JoinSection {
  readonly name: string;
  readonly output: string;
  /** The command that printed the output (a pasted report's `systemctl show docker …`); absent when unknown or the section was truncated (its head lost). */
  readonly command?: string;
}

/** What a join may read: its input facts, the sections that showed its markers, the incident window. */
export interface JoinInput {
  /** Facts of one input kind, from every section that showed the kind's marker. */
  facts(kind: ParsedFactKind): readonly Fact[];
  /** Sections that showed one of the join's own markers, in bundle order. */
  readonly sections: readonly JoinSection[];
  /** Every section with output: where a join looks for names its marked sections gave it (an upstream in any log). */
  readonly allSections: readonly JoinSection[];
  /** Whether a line of a section lies in the incident window (true when it shows no time). */
  counts(section: string, line: string): boolean;
}

/**
 * Derives facts by joining other facts and lines across sections (a published port with the
 * container's listeners). Pure; linear in the evidence; never throws on odd input.
 */
export interface FactJoin {
  readonly kind: JoinedFactKind;
  /** Parsed fact kinds it reads; the engine parses them even when no runbook names them. */
  readonly inputs: readonly ParsedFactKind[];
  /**
   * Lower-case literals of the sections it starts from (a Service's `selector:`); with none of them
   * in the bundle the join costs nothing, so its markers must be rare in healthy evidence.
   */
  readonly markers: readonly string[];
  join(input: JoinInput): Fact[];
}

/** Most facts one join emits: a bound on the evidence a hostile bundle can make it produce. */
export const MAX_JOINED_FACTS = 64;

/** Whether a fact kind is a join's (its facts come from FACT_JOINS, not FACT_EXTRACTORS). */
export function isJoinedKind(kind: FactKind): kind is JoinedFactKind {
  return (JOINED_FACT_KINDS as readonly FactKind[]).includes(kind);
}
