/**
 * Runbook preconditions, evaluated per planned step and target on the target's triage evidence
 * before anything runs. Pure: the bundles come in, the results go out. A precondition the evidence
 * cannot decide counts as not met: a safety rule that cannot be checked must not be assumed to hold.
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

/**
 * One result per (step, target, precondition). A target without evidence gets `held: null`.
 * @example evaluatePreconditions(runbook, plan.steps, new Map([['i-1', bundle]]))
 */
export function evaluatePreconditions(
  runbook: Runbook,
  steps: readonly PlannedStep[],
  bundles: ReadonlyMap<string, EvidenceBundle>,
): PreconditionResult[] {
  const results: PreconditionResult[] = [];
  if ((runbook.remediation.preconditions?.length ?? 0) === 0) return results;
  const rulebook = compilePreconditions(runbook);
  for (const step of steps) {
    const guarding = preconditionsOf(runbook, step);
    if (guarding.length === 0) continue;
    for (const inv of step.invocations) {
      const bundle = bundles.get(inv.target);
      const outcomes = bundle
        ? guarding.map((p) => evaluateChecks(rulebook, bundle, [p], sectionsOf(runbook, p))[0]!)
        : [];
      guarding.forEach((p, i) => {
        const o = outcomes[i];
        results.push({
          id: p.id,
          description: p.description,
          step: step.index,
          action: step.action,
          target: inv.target,
          held: o ? o.held : null,
          evidence: o ? o.evidence.slice(0, 3) : [],
        });
      });
    }
  }
  return results;
}
