import type { FactKind, MatchExpression, PatternMatch, Runbook } from '../runbook/model.js';
import { FACT_EXTRACTORS, FACT_JOINS, isJoinedKind } from './facts/index.js';
import { LiteralScanner } from './literal-scanner.js';
import { compileLineRegex, type LineRegex } from './regex-engine.js';
import { requiredLiterals } from './required-literals.js';

/** A pattern leaf ready to run. */
export interface CompiledPattern {
  readonly index: number;
  readonly leaf: PatternMatch;
  /** Linear-time (RE2) unless RE2 cannot express it; see regex-engine.ts. */
  readonly regex: LineRegex;
  readonly unless: LineRegex | null;
  /** Literals one of which every matching line contains; null: test every line. */
  readonly literals: readonly string[] | null;
}

/** Runbooks compiled once, reused for every bundle. */
export interface CompiledRulebook {
  readonly runbooks: readonly Runbook[];
  readonly patterns: readonly CompiledPattern[];
  readonly patternIndex: ReadonlyMap<PatternMatch, number>;
  readonly scanner: LiteralScanner;
  /** For each scanner literal, the patterns that own it. */
  readonly literalOwners: readonly (readonly number[])[];
  /** For each scanner literal, the fact kinds whose format marker it is. */
  readonly literalFacts: readonly (readonly FactKind[])[];
  /** Patterns with no usable literal. */
  readonly unfiltered: readonly number[];
  readonly factKinds: ReadonlySet<FactKind>;
}

function visit(
  expression: MatchExpression,
  onPattern: (p: PatternMatch) => void,
  onFact: (k: FactKind) => void,
): void {
  if ('pattern' in expression) onPattern(expression);
  else if ('fact' in expression) onFact(expression.fact);
  else if ('all' in expression) for (const e of expression.all) visit(e, onPattern, onFact);
  else if ('any' in expression) for (const e of expression.any) visit(e, onPattern, onFact);
  else if ('unresolved' in expression)
    for (const e of [expression.unresolved, expression.resolvedBy]) visit(e, onPattern, onFact);
  else visit(expression.absent, onPattern, onFact);
}

/** Every match expression a runbook holds: signals, exclusions and verification checks. */
export function expressionsOf(runbook: Runbook): MatchExpression[] {
  return [
    ...runbook.signals.map((s) => s.match),
    ...runbook.rulesOut.map((r) => r.match),
    ...runbook.verify.checks.map((c) => c.match),
  ];
}

/**
 * Compiles validated runbooks: regexes built once, one literal automaton for all patterns.
 * @example const rulebook = compileRunbooks(runbooks); classifyEvidence(rulebook, bundle)
 */
export function compileRunbooks(runbooks: readonly Runbook[]): CompiledRulebook {
  const patterns: CompiledPattern[] = [];
  const patternIndex = new Map<PatternMatch, number>();
  const factKinds = new Set<FactKind>();
  const literalIds = new Map<string, number>();
  const literalOwners: number[][] = [];
  const unfiltered: number[] = [];
  for (const runbook of runbooks) {
    for (const expression of expressionsOf(runbook)) {
      visit(
        expression,
        (leaf) => {
          if (patternIndex.has(leaf)) return;
          const index = patterns.length;
          const literals = requiredLiterals(leaf.pattern);
          patterns.push({
            index,
            leaf,
            regex: compileLineRegex(leaf.pattern, !leaf.caseSensitive),
            // A case-sensitive signal's exclusion is case-sensitive too (kubectl's capitalised reason phrases).
            unless: leaf.unless ? compileLineRegex(leaf.unless, !leaf.caseSensitive) : null,
            literals,
          });
          patternIndex.set(leaf, index);
          if (!literals) {
            unfiltered.push(index);
            return;
          }
          for (const literal of literals) {
            let id = literalIds.get(literal);
            if (id === undefined) {
              id = literalOwners.length;
              literalIds.set(literal, id);
              literalOwners.push([]);
            }
            literalOwners[id]!.push(index);
          }
        },
        (kind) => factKinds.add(kind),
      );
    }
  }
  // A join reads its input facts: they are parsed whether or not a runbook names them.
  for (const kind of [...factKinds])
    if (isJoinedKind(kind)) for (const input of FACT_JOINS[kind].inputs) factKinds.add(input);
  // Fact formats' markers ride on the same scan: a section is parsed for a fact only if it showed one.
  const literalFacts: FactKind[][] = literalOwners.map(() => []);
  for (const kind of factKinds) {
    const markers = isJoinedKind(kind) ? FACT_JOINS[kind].markers : FACT_EXTRACTORS[kind].markers;
    for (const marker of markers) {
      let id = literalIds.get(marker);
      if (id === undefined) {
        id = literalOwners.length;
        literalIds.set(marker, id);
        literalOwners.push([]);
        literalFacts.push([]);
      }
      literalFacts[id]!.push(kind);
    }
  }
  return {
    runbooks,
    patterns,
    patternIndex,
    scanner: new LiteralScanner([...literalIds.keys()]),
    literalOwners,
    literalFacts,
    unfiltered,
    factKinds,
  };
}
