import type { EvidenceBundle } from '../evidence/bundle.js';
import { isIncompleteSection } from '../evidence/incomplete-section.js';
import type { FactKind, MatchExpression, PatternMatch, Runbook } from '../runbook/model.js';
import type { CompiledPattern, CompiledRulebook } from './compile.js';
import { sectionSelected, type EvaluationContext, type EvidenceLine } from './evaluation.js';
import {
  FACT_EXTRACTORS,
  FACT_JOINS,
  forEachLine,
  isJoinedKind,
  type Fact,
} from './facts/index.js';
import { incidentWindow, type IncidentWindow } from './incident-window.js';
import { evaluateExpression } from './matchers/index.js';
import { platformPrior } from './platform-prior.js';
import {
  LINE_CAP,
  LimitsRecorder,
  type ClassificationLimits,
  type SectionBudget,
} from './scan-limits.js';
import { lineWorkloadsReader, type LineWorkloadsReader } from './line-refs.js';
import { withoutRuntimeStamp } from './runtime-stamp.js';
import { linkSignal, targetNamesOf, type TargetNames } from './target-link.js';
import { WrappedRetries } from './wrapped-retries.js';
import { detachedText } from './detached-text.js';

/** One runbook that the evidence supports (the spec's match shape). */
export interface RunbookMatch {
  readonly runbookId: string;
  /** 0..1, rounded to 3 decimals. */
  readonly confidence: number;
  readonly evidence: readonly EvidenceLine[];
}

/** Why a runbook scored what it did: for explanations and "why not the runner-up". */
export interface RunbookExplanation {
  readonly runbookId: string;
  readonly confidence: number;
  readonly signals: readonly { id: string; weight: number; description: string }[];
  readonly ruledOutBy: readonly {
    id: string;
    description: string;
    evidence: readonly EvidenceLine[];
  }[];
  readonly supersededBy: string | null;
  readonly passed: boolean;
}

/** The `classify` result: matches (spec shape) plus explanations of every runbook that scored. */
export interface ClassificationResult {
  readonly matches: readonly RunbookMatch[];
  readonly explanations: readonly RunbookExplanation[];
  /** Present only when a bound was hit (a line cut, a section's regex budget spent): never silent. */
  readonly limits?: ClassificationLimits;
}

/** Tuning of one classification. */
export interface ClassifyOptions {
  /** Minimum confidence of a match; default 0.5. */
  readonly threshold?: number;
  /** Proving lines kept per match; default 8. */
  readonly maxEvidence?: number;
}

const MAX_HITS_PER_PATTERN = 64;

function lineAt(text: string, lineStart: number): string {
  let end = text.indexOf('\n', lineStart);
  if (end < 0) end = text.length;
  if (text.charCodeAt(end - 1) === 13) end--;
  return text.slice(lineStart, Math.min(end, lineStart + LINE_CAP));
}

function displayLine(line: string): string {
  const trimmed = line.trim();
  return detachedText(trimmed.length > 400 ? `${trimmed.slice(0, 400)}…` : trimmed);
}

function matchesLine(
  pattern: CompiledPattern,
  text: string,
  budget: SectionBudget,
  line: number,
  direct = true,
): boolean {
  if (!budget.spend(pattern.unless ? 2 * text.length : text.length, line, direct)) return false;
  return pattern.regex.test(text) && !pattern.unless?.test(text);
}

/**
 * Runs every pattern over every section it selects, in one literal scan per section. The same
 * scan notes which sections show a fact format's marker, so only those are parsed for facts.
 */
function scanSections(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  limits: LimitsRecorder,
  window: IncidentWindow,
): { hits: EvidenceLine[][]; factSections: Map<FactKind, Set<string>> } {
  const hits: EvidenceLine[][] = rulebook.patterns.map(() => []);
  const factSections = new Map<FactKind, Set<string>>();
  const lastLine = new Int32Array(rulebook.patterns.length);
  for (const [section, { output }] of Object.entries(bundle.sections)) {
    if (!output) continue;
    const applies = rulebook.patterns.map((p) => sectionSelected(p.leaf.sections, section));
    const budget = limits.budgetFor(section, output.length);
    lastLine.fill(0);
    let cachedLine = 0;
    let cachedText = '';
    // What a pattern reads: the line after the runtime's stamp, where `^` means the program's line start.
    let cachedWritten = '';
    const retries = new WrappedRetries(output, rulebook.patterns.length);
    rulebook.scanner.scan(
      output,
      (hit) => {
        for (const kind of rulebook.literalFacts[hit.literal]!) {
          let set = factSections.get(kind);
          if (!set) {
            set = new Set();
            factSections.set(kind, set);
          }
          set.add(section);
        }
        for (const p of rulebook.literalOwners[hit.literal]!) {
          if (!applies[p] || lastLine[p] === hit.line || hits[p]!.length >= MAX_HITS_PER_PATTERN)
            continue;
          lastLine[p] = hit.line;
          if (cachedLine !== hit.line) {
            cachedLine = hit.line;
            cachedText = lineAt(output, hit.lineStart);
            cachedWritten = withoutRuntimeStamp(section, cachedText);
            if (cachedText.length === LINE_CAP)
              limits.noteIfLong(section, hit.line, output, hit.lineStart);
          }
          const pattern = rulebook.patterns[p]!;
          if (
            (matchesLine(pattern, cachedWritten, budget, hit.line) ||
              // A hard-wrapped message: retried joined to its continuation lines, on the section's budget.
              (budget.exhaustedAt === 0 &&
                retries.matches(p, hit.line, hit.lineStart, cachedText, (joined) =>
                  matchesLine(pattern, joined, budget, hit.line, false),
                ))) &&
            window.counts(section, cachedText, hit.line)
          ) {
            hits[p]!.push({ section, line: hit.line, text: displayLine(cachedText) });
          }
        }
      },
      true,
    );
    const slow = rulebook.unfiltered.filter((p) => applies[p]);
    if (slow.length > 0) {
      forEachLine(output, (line, lineNo) => {
        if (line.length > LINE_CAP) limits.noteLongLine(section, lineNo, line.length);
        const text = line.length > LINE_CAP ? line.slice(0, LINE_CAP) : line;
        for (const p of slow) {
          const pattern = rulebook.patterns[p]!;
          if (
            hits[p]!.length < MAX_HITS_PER_PATTERN &&
            matchesLine(pattern, withoutRuntimeStamp(section, text), budget, lineNo) &&
            window.counts(section, text, lineNo)
          ) {
            hits[p]!.push({ section, line: lineNo, text: displayLine(text) });
          }
        }
      });
    }
  }
  for (const list of hits)
    list.sort((a, b) =>
      a.section === b.section ? a.line - b.line : a.section < b.section ? -1 : 1,
    );
  return { hits, factSections };
}

/**
 * The command a section's first lines were printed by, for the readers that take it as the
 * heading above the output's first one; none for a truncated section, which lost its head.
 */
function headingCommandOf(bundle: EvidenceBundle, section: string): string | undefined {
  const s = bundle.sections[section]!;
  return s.truncated ? undefined : s.command;
}

function createContext(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  limits: LimitsRecorder,
): EvaluationContext {
  // Lines logged before the incident's window (or, on verification evidence, before the fix) prove nothing.
  const window = incidentWindow(bundle);
  const { hits, factSections } = scanSections(rulebook, bundle, limits, window);
  const sections = Object.keys(bundle.sections);
  const withOutput = sections.filter((s) => bundle.sections[s]!.output);
  const factCache = new Map<FactKind, Fact[]>();
  const allFacts = (kind: FactKind): Fact[] => {
    let facts = factCache.get(kind);
    if (!facts) {
      const marked = [...(factSections.get(kind) ?? [])];
      if (isJoinedKind(kind)) {
        const read = (names: readonly string[]) =>
          names.map((name) => ({
            name,
            output: bundle.sections[name]!.output,
            command: headingCommandOf(bundle, name),
          }));
        facts = FACT_JOINS[kind].join({
          facts: allFacts,
          sections: read(marked),
          allSections: read(withOutput),
          counts: window.counts,
        });
      } else {
        const extractor = FACT_EXTRACTORS[kind];
        facts = [];
        for (const section of marked) {
          const output = bundle.sections[section]!.output;
          // A fact read from a line before the window (an event last seen an hour ago) proves nothing either.
          if (extractor.mayContain(output))
            for (const f of extractor.extract(section, output, headingCommandOf(bundle, section)))
              if (window.counts(f.section, f.text, f.line)) facts.push(f);
        }
      }
      factCache.set(kind, facts);
    }
    return facts;
  };
  const context: EvaluationContext = {
    patternHits: (leaf: PatternMatch) => hits[rulebook.patternIndex.get(leaf) ?? -1] ?? [],
    facts: (kind, selectors) => allFacts(kind).filter((f) => sectionSelected(selectors, f.section)),
    collected: (selectors) => sections.some((s) => sectionSelected(selectors, s)),
    incomplete: (selectors) =>
      sections.some(
        (s) => sectionSelected(selectors, s) && isIncompleteSection(bundle.sections[s]),
      ),
    timeOf: (line) => window.timeOf(line.section, line.text),
    evaluate: (expression) => evaluateExpression(expression, context),
  };
  return context;
}

function dedupe(lines: readonly EvidenceLine[], max: number): EvidenceLine[] {
  const seen = new Set<string>();
  const out: EvidenceLine[] = [];
  for (const l of lines) {
    const key = `${l.section}\u0000${l.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
    if (out.length >= max) break;
  }
  return out;
}

interface Scored {
  runbook: Runbook;
  confidence: number;
  evidence: EvidenceLine[];
  explanation: RunbookExplanation;
}

function scoreRunbook(
  runbook: Runbook,
  context: EvaluationContext,
  maxEvidence: number,
  prior: number,
  targetNames: TargetNames,
  workloadsOf: LineWorkloadsReader,
): Scored | null {
  const matched: {
    id: string;
    weight: number;
    description: string;
    evidence: readonly EvidenceLine[];
  }[] = [];
  for (const signal of runbook.signals) {
    const outcome = context.evaluate(signal.match);
    if (outcome.matched)
      matched.push({
        id: signal.id,
        ...linkSignal(signal, outcome.evidence, targetNames, workloadsOf, runbook),
      });
  }
  if (matched.length === 0) return null;
  let confidence = (1 - matched.reduce((miss, s) => miss * (1 - s.weight), 1)) * prior;
  const ruledOutBy: RunbookExplanation['ruledOutBy'][number][] = [];
  for (const rule of runbook.rulesOut) {
    const outcome = context.evaluate(rule.match);
    if (outcome.matched) {
      ruledOutBy.push({
        id: rule.id,
        description: rule.description,
        evidence: outcome.evidence.slice(0, 3),
      });
      confidence *= rule.penalty ?? 0;
    }
  }
  matched.sort((a, b) => b.weight - a.weight);
  const evidence = dedupe(
    matched.flatMap((s) => s.evidence),
    maxEvidence,
  );
  return {
    runbook,
    confidence,
    evidence,
    explanation: {
      runbookId: runbook.id,
      confidence,
      signals: matched.map(({ id, weight, description }) => ({ id, weight, description })),
      ruledOutBy,
      supersededBy: null,
      passed: false,
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Classifies one evidence bundle. Pure: no I/O, no clock. Runs in time linear in the size of
 * the evidence; the number of runbooks only grows the literal automaton.
 * @example classifyEvidence(compileRunbooks(runbooks), bundle).matches[0]?.runbookId // 'disk-full'
 */
export function classifyEvidence(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  options: ClassifyOptions = {},
): ClassificationResult {
  const threshold = options.threshold ?? 0.5;
  const maxEvidence = options.maxEvidence ?? 8;
  const limits = new LimitsRecorder();
  const context = createContext(rulebook, bundle, limits);
  const targetNames = targetNamesOf(bundle);
  const workloadsOf = lineWorkloadsReader(bundle);
  const scored = rulebook.runbooks
    .map((r) =>
      scoreRunbook(
        r,
        context,
        maxEvidence,
        platformPrior(r, bundle.target.platform),
        targetNames,
        workloadsOf,
      ),
    )
    .filter((s): s is Scored => s !== null);
  const passing = new Map(
    scored.filter((s) => s.confidence >= threshold).map((s) => [s.runbook.id, s.confidence]),
  );
  for (const s of scored) {
    // A more specific diagnosis that also holds takes precedence; this one stays visible below it.
    const winner = s.runbook.supersededBy.find((id) => (passing.get(id) ?? 0) > 0);
    if (winner) {
      s.confidence *= 0.5;
      s.explanation = { ...s.explanation, supersededBy: winner };
    }
  }
  const ranked = scored
    .map((s) => ({ ...s, confidence: round(s.confidence) }))
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        b.explanation.signals.length - a.explanation.signals.length ||
        a.runbook.id.localeCompare(b.runbook.id),
    );
  return {
    matches: ranked
      .filter((s) => s.confidence >= threshold)
      .map((s) => ({ runbookId: s.runbook.id, confidence: s.confidence, evidence: s.evidence })),
    explanations: ranked.map((s) => ({
      ...s.explanation,
      confidence: s.confidence,
      passed: s.confidence >= threshold,
    })),
    ...limits.asResultField(),
  };
}

/** The outcome of one runbook verification check on fresh evidence. */
export interface VerifyCheckOutcome {
  readonly description: string;
  readonly expect: 'present' | 'absent';
  /** True when the evidence is as the check expects; null when the sections it needs were not collected. */
  readonly held: boolean | null;
  readonly evidence: readonly EvidenceLine[];
}

/**
 * Evaluates a runbook's `verify.checks` on evidence collected after remediation.
 * The runbook must belong to the compiled rulebook (its check patterns are compiled with it).
 * @example evaluateVerifyChecks(rulebook, freshBundle, runbook).every((c) => c.held)
 */
export function evaluateVerifyChecks(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  runbook: Runbook,
): VerifyCheckOutcome[] {
  return evaluateChecks(rulebook, bundle, runbook.verify.checks, runbook.verify.collect);
}

/**
 * Evaluates `{ match, expect }` checks (verify checks, preconditions) on one bundle. `held` is null
 * when the evidence cannot decide: none of `collect` was collected, or an absence after a spent budget.
 * The checks' patterns must be compiled into the rulebook (compileRunbooks does it for a runbook's own).
 */
export function evaluateChecks(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  checks: readonly {
    readonly description: string;
    readonly match: MatchExpression;
    readonly expect: 'present' | 'absent';
  }[],
  collect: readonly string[],
): VerifyCheckOutcome[] {
  if (checks.length === 0) return [];
  const limits = new LimitsRecorder();
  const context = createContext(rulebook, bundle, limits);
  // A spent budget proves no absence: lines after it were never tested.
  const untested = limits.result()?.budgetExhausted !== undefined;
  // Absence proves nothing about evidence that was never collected.
  const collected = collect.length === 0 || context.collected(collect);
  return checks.map((check) => {
    const outcome = context.evaluate(check.match);
    const held = !collected
      ? null
      : check.expect === 'present'
        ? outcome.matched
        : outcome.matched
          ? false
          : untested
            ? null
            : true;
    return {
      description: check.description,
      expect: check.expect,
      held,
      evidence: outcome.evidence.slice(0, 5),
    };
  });
}
