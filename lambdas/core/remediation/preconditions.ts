/**
 * Runbook preconditions, evaluated per planned step and target on the target's triage evidence
 * before anything runs. Pure: each target's bundle is judged on every precondition as it comes
 * (a precondition's outcome depends on the target's evidence alone), and the planned steps then
 * take the outcomes of the preconditions that guard them. A precondition the evidence cannot
 * decide counts as not met: a safety rule that cannot be checked must not be assumed to hold.
 */
import { compileRunbooks, type CompiledRulebook } from '../classify/compile.js';
import { evaluateChecks } from '../classify/engine.js';
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { Precondition, Runbook } from '../runbook/model.js';
import type { PlannedStep, PreconditionResult } from '../workflow/model.js';

/** The preconditions that guard a step: those naming its action, or all of them for a step that changes something. */
export function preconditionsOf(
  runbook: Runbook,
  step: Pick<PlannedStep, 'action' | 'mutates'>,
): readonly Precondition[] {
  return (runbook.remediation.preconditions ?? []).filter((p) =>
    p.actions ? p.actions.includes(step.action) : step.mutates,
  );
}

/** The sections a precondition's expression reads (what must have been collected for it to decide). */
function sectionsOf(runbook: Runbook, p: Precondition): readonly string[] {
  const m = p.match;
  return 'sections' in m && m.sections ? m.sections : 'in' in m ? m.in : runbook.evidence.sections;
}

/**
 * The preconditions compiled on their own: kept out of the classifier's rulebook, whose literal
 * prefilter runs on every evidence line (a precondition like "a Ready node exists" has a literal
 * healthy clusters print all day), since they are evaluated once per plan, not per classification.
 */
function compilePreconditions(runbook: Runbook): CompiledRulebook {
  const checks = (runbook.remediation.preconditions ?? []).map((p) => ({
    description: p.id,
    match: p.match,
    expect: p.expect,
  }));
  return compileRunbooks([
    { ...runbook, signals: [], rulesOut: [], verify: { ...runbook.verify, checks } },
  ]);
}

/** What one precondition found in one target's evidence: whether it held, and the first lines it matched. */
export interface PreconditionOutcome {
  readonly held: boolean | null;
  readonly evidence: PreconditionResult['evidence'];
}

/** One target's evidence judged on each of the runbook's preconditions, by precondition id (ids are unique per runbook). */
export type TargetPreconditionOutcomes = ReadonlyMap<string, PreconditionOutcome>;

/**
 * Compiles the runbook's preconditions once and returns what judges one target's evidence on all of
 * them. The outcomes keep nothing of the bundle (at most 3 lines, copied), so a caller can let each
 * bundle go as soon as it is judged: Plan holds a few bundles at a time, not the fleet's.
 * @example const judge = preconditionJudge(runbook); outcomes.set('i-1', judge(bundle));
 */
export function preconditionJudge(
  runbook: Runbook,
): (bundle: EvidenceBundle) => TargetPreconditionOutcomes {
  const preconditions = runbook.remediation.preconditions ?? [];
  if (preconditions.length === 0) return () => new Map();
  const rulebook = compilePreconditions(runbook);
  return (bundle) =>
    new Map(
      preconditions.map((p) => {
        // One evaluation per precondition, each with its own sections and limits budget, as before.
        const o = evaluateChecks(rulebook, bundle, [p], sectionsOf(runbook, p))[0]!;
        // Evidence lines are copies already (classify/detached-text.ts): they hold no section.
        return [p.id, { held: o.held, evidence: o.evidence.slice(0, 3) }];
      }),
    );
}

/**
 * One result per (step, target, precondition), from each target's judged evidence
 * ({@link preconditionJudge}). A target without evidence gets `held: null`.
 * @example evaluatePreconditions(runbook, plan.steps, new Map([['i-1', preconditionJudge(runbook)(bundle)]]))
 */
export function evaluatePreconditions(
  runbook: Runbook,
  steps: readonly PlannedStep[],
  judged: ReadonlyMap<string, TargetPreconditionOutcomes>,
): PreconditionResult[] {
  const results: PreconditionResult[] = [];
  if ((runbook.remediation.preconditions?.length ?? 0) === 0) return results;
  for (const step of steps) {
    const guarding = preconditionsOf(runbook, step);
    if (guarding.length === 0) continue;
    for (const inv of step.invocations) {
      const outcomes = judged.get(inv.target);
      for (const p of guarding) {
        const o = outcomes?.get(p.id);
        results.push({
          id: p.id,
          description: p.description,
          step: step.index,
          action: step.action,
          target: inv.target,
          held: o ? o.held : null,
          evidence: o ? o.evidence : [],
        });
      }
    }
  }
  return results;
}
