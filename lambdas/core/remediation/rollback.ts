/**
 * Rollback: when a later step fails or verification finds the fix did not help, the completed
 * steps are undone in reverse order with the inverse each catalogue action declares. Pure: the
 * plan and the outcomes come in, the undo steps go out (the Escalate step runs them).
 */
import type { PlannedStep, StepOutcome } from '../workflow/model.js';
import { findAction } from './catalog.js';
import { documentNameOf } from './planner.js';

/** One completed step to undo, ready for an executor; `undoes` is the index of the step it reverses. */
export interface UndoStep {
  readonly undoes: number;
  readonly step: PlannedStep;
}

/** The deployment's document prefix, read back from a planned host step (the default otherwise). */
function documentPrefixOf(step: PlannedStep): string | undefined {
  const forward = findAction(step.action)?.document;
  return step.document && forward && step.document.endsWith(forward)
    ? step.document.slice(0, -forward.length)
    : undefined;
}

/**
 * The undo steps, in the order to run them (last completed first). A step is undone only on the
 * targets where it succeeded (or, for a step in `outcomeUnknown`, on every target it was run on),
 * only when its action declares an inverse, and not when a later step that succeeded already ran
 * that inverse on the target (cordon ... uncordon needs no undo).
 *
 * A step whose outcome is unknown (it started and its result was never recorded) is undone as if it
 * succeeded. Running an inverse whose forward action may not have run is safe because a catalogue
 * inverse is idempotent (catalog.ts `inverse`): uncordoning a node that is schedulable changes
 * nothing. What it could undo that this run did not do is a cordon someone else made on that node
 * before the step, and a cordon that succeeded on an already cordoned node (`unchanged`, counted as
 * succeeded) is undone the same way; leaving a node cordoned that this run may have cordoned would
 * take it out of service with nobody told. The rollback record names such steps (`outcomeUnknown`).
 * @example rollbackSteps(plan.steps, remediation.outcomes, stepsWithUnknownOutcome(trail))
 */
export function rollbackSteps(
  steps: readonly PlannedStep[],
  outcomes: readonly StepOutcome[],
  outcomeUnknown: readonly number[] = [],
): UndoStep[] {
  const undo: UndoStep[] = [];
  const succeeded = (index: number, target: string) =>
    outcomes.some((o) => o.step === index && o.target === target && o.status === 'succeeded');
  const mayHaveRun = (index: number, target: string) =>
    outcomeUnknown.includes(index) || succeeded(index, target);
  for (const step of [...steps].reverse()) {
    const inverse = findAction(step.action)?.inverse;
    const inverseAction = inverse ? findAction(inverse) : undefined;
    if (!inverseAction) continue;
    const undone = (target: string) =>
      steps.some(
        (later) =>
          later.index > step.index &&
          later.action === inverseAction.id &&
          succeeded(later.index, target),
      );
    const invocations = step.invocations.filter(
      (inv) => mayHaveRun(step.index, inv.target) && !undone(inv.target),
    );
    if (invocations.length === 0) continue;
    undo.push({
      undoes: step.index,
      step: {
        index: step.index,
        action: inverseAction.id,
        title: `undo step ${step.index} (${step.action}): ${inverseAction.title}`,
        actionTarget: inverseAction.target,
        risk: inverseAction.risk,
        mutates: inverseAction.mutates,
        ...(inverseAction.document
          ? { document: documentNameOf(inverseAction, documentPrefixOf(step)) }
          : {}),
        // The inverse takes the parameters it declares, from the forward invocation (same node, same container).
        invocations: invocations.map((inv) => ({
          target: inv.target,
          parameters: Object.fromEntries(
            Object.entries(inv.parameters).filter(([k]) => k in inverseAction.parameters),
          ),
        })),
      },
    });
  }
  return undo;
}
