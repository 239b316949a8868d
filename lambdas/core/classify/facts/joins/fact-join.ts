import {
  JOINED_FACT_KINDS,
  type FactKind,
  type JoinedFactKind,
  type ParsedFactKind,
} from '../../../runbook/model.js';
import type { Fact } from '../fact.js';

/** What a join may read: its input facts, the sections that showed its markers, the incident window. */
export interface JoinInput {
  /** Facts of one input kind, from every section that showed the kind's marker. */
  facts(kind: ParsedFactKind): readonly Fact[];
  /** Sections that showed one of the join's own markers, in bundle order. */
  readonly sections: readonly { readonly name: string; readonly output: string }[];
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
   * Lower-case literals of the lines it reads itself; only sections showing one are handed to it.
   * Empty: every section (for a join whose literals come from the evidence, like a proxy's host:port).
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
