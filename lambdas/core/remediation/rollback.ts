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
 * targets where it succeeded, only when its action declares an inverse, and not when a later
 * completed step already ran that inverse on the target (cordon ... uncordon needs no undo).
 * @example rollbackSteps(plan.steps, remediation.outcomes)
 */
export function rollbackSteps(
  steps: readonly PlannedStep[],
  outcomes: readonly StepOutcome[],
): UndoStep[] {
  const undo: UndoStep[] = [];
  const succeeded = (index: number, target: string) =>
    outcomes.some((o) => o.step === index && o.target === target && o.status === 'succeeded');
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
      (inv) => succeeded(step.index, inv.target) && !undone(inv.target),
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
