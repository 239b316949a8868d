/**
 * Builds the execution's plan: the runbook's remediation on the eligible targets, with the
 * decision of how (or whether) it may run. Safety mode, dry-run switches, guards and the
 * automatic-remediation switch all meet here, in one pure function.
 */
import type { Runbook } from '../runbook/model.js';
import { applyGuards, type TargetHistory } from '../remediation/guards.js';
import { planSteps, PlanningError, DOCUMENT_PREFIX } from '../remediation/planner.js';
import { preconditionHold } from '../remediation/precondition-hold.js';
import type { Plan, PlannedStep, PreconditionResult, RunMode, Target } from './model.js';

/** Switches from the deployment configuration. */
export interface PlanSwitches {
  /** Global dry-run: never change anything. */
  readonly dryRun: boolean;
  /** When false, runbooks marked automatic still need an approval. */
  readonly automaticRemediation: boolean;
  readonly documentPrefix?: string;
}

/** Everything the planner looks at. */
export interface PlanInput {
  readonly runbook: Runbook | undefined;
  readonly mode: RunMode;
  readonly targets: readonly Target[];
  readonly history: readonly TargetHistory[];
  readonly switches: PlanSwitches;
  readonly now: Date;
  /** Evaluates the runbook's preconditions on planned steps (see remediation/preconditions.ts); none when absent. */
  readonly preconditions?: (steps: readonly PlannedStep[]) => readonly PreconditionResult[];
}

/**
 * Decides the plan.
 * @example buildPlan({ runbook, mode: 'alarm', targets, history: [], switches: { dryRun: false, automaticRemediation: true }, now })
 */
export function buildPlan(input: PlanInput): Plan {
  const { runbook, mode, switches } = input;
  const allTargets = input.targets.map((t) => t.id);
  const base = {
    runbookId: runbook?.id ?? null,
    summary: runbook?.remediation.summary ?? '',
    targets: allTargets,
    held: [] as Plan['held'],
    steps: [] as Plan['steps'],
  };
  if (!runbook)
    return { ...base, decision: 'unclassified', reason: 'no runbook matched the evidence' };
  const guards = applyGuards(runbook.remediation.guards, allTargets, input.history, input.now);
  let eligible = input.targets.filter((t) => guards.eligible.includes(t.id));
  const held = [...guards.held];
  const prefix = switches.documentPrefix ?? DOCUMENT_PREFIX;
  const dryRun = mode === 'dry-run' || switches.dryRun;
  let steps: Plan['steps'];
  let preconditions: readonly PreconditionResult[] = [];
  try {
    steps = planSteps(
      runbook.remediation.steps,
      guards.escalate ? input.targets : eligible,
      prefix,
    );
    if (input.preconditions && (runbook.remediation.preconditions?.length ?? 0) > 0) {
      preconditions = input.preconditions(steps);
      const blocked = eligible.filter((t) => preconditionHold(preconditions, t.id) !== undefined);
      for (const t of blocked)
        held.push({ target: t.id, reason: preconditionHold(preconditions, t.id)! });
      // A dry run shows every step it was asked about, beside the preconditions that would refuse them.
      if (blocked.length > 0 && !guards.escalate && !dryRun) {
        eligible = eligible.filter((t) => !blocked.includes(t));
        steps = planSteps(runbook.remediation.steps, eligible, prefix);
      }
    }
  } catch (error) {
    if (!(error instanceof PlanningError)) throw error;
    return {
      ...base,
      held,
      decision: 'report-only',
      reason: `runbook ${runbook.id} ${error.message}; reporting instead`,
    };
  }
  const planned = {
    ...base,
    held,
    steps,
    targets: (guards.escalate ? input.targets : eligible).map((t) => t.id),
    ...((runbook.remediation.preconditions?.length ?? 0) > 0 && input.preconditions
      ? { preconditions }
      : {}),
  };
  const preconditionHeld = held.filter((h) => h.reason.startsWith('precondition '));
  const refusals =
    preconditionHeld.length > 0
      ? `; preconditions would refuse ${preconditionHeld.map((h) => `${h.target}: ${h.reason}`).join('; ')}`
      : '';
  if (mode === 'dry-run')
    return {
      ...planned,
      decision: 'dry-run',
      reason: `manual run in dry-run mode: the plan is shown, nothing runs${refusals}`,
    };
  if (switches.dryRun)
    return {
      ...planned,
      decision: 'dry-run',
      reason: `the deployment is in dry-run mode (config dryRun=true)${refusals}`,
    };
  if (runbook.remediation.safety === 'report-only')
    return { ...planned, decision: 'report-only', reason: `runbook ${runbook.id} is report-only` };
  if (guards.escalate) return { ...planned, decision: 'escalate', reason: guards.escalate };
  // The failure is still there and a safety rule forbids the fix: a person must decide, not a silent skip.
  if (eligible.length === 0 && preconditionHeld.length > 0)
    return {
      ...planned,
      decision: 'escalate',
      reason: `refused by preconditions: ${preconditionHeld.map((h) => `${h.target}: ${h.reason}`).join('; ')}`,
    };
  if (eligible.length === 0)
    return {
      ...planned,
      decision: 'skip',
      reason: held.map((h) => `${h.target}: ${h.reason}`).join('; ') || 'no targets',
    };
  if (steps.every((s) => !s.mutates))
    return { ...planned, decision: 'automatic', reason: 'the steps change nothing' };
  if (runbook.remediation.safety === 'approval')
    return {
      ...planned,
      decision: 'approval',
      reason: `runbook ${runbook.id} requires an approval`,
    };
  const risky = steps.filter((s) => s.risk === 'risky').map((s) => s.action);
  if (risky.length > 0)
    return {
      ...planned,
      decision: 'approval',
      reason: `risky actions need an approval: ${risky.join(', ')}`,
    };
  if (!switches.automaticRemediation && mode === 'alarm')
    return {
      ...planned,
      decision: 'approval',
      reason: 'automatic remediation is switched off (config automaticRemediation=false)',
    };
  return {
    ...planned,
    decision: 'automatic',
    reason:
      mode === 'execute'
        ? 'manual run in execute mode; every step is safe'
        : `runbook ${runbook.id} is automatic and every step is safe`,
  };
}

/** The index of the next step to run, or null when the plan is finished or a step failed. */
export function nextStepIndex(stepCount: number, nextStep: number, failed: boolean): number | null {
  if (failed || nextStep >= stepCount) return null;
  return nextStep;
}
