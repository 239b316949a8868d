/**
 * The two collections of an execution, each a send Task and a read Task (waited-commands.ts): the
 * phase names (their wait key and evidence prefix) and what Verify collects. Shared by the send and
 * read steps without one step file importing another (each Lambda bundles its own step only).
 */
import type { IncidentTiming } from '../collection/evidence-collectors.js';
import type { Target, WorkflowState } from './model.js';
import { requireState } from './task-input.js';

/** The phase of the triage collection (CollectSend, Collect). */
export const TRIAGE_PHASE = 'triage';
/** The phase of the verification collection (VerifySend, Verify). */
export const VERIFY_PHASE = 'verify';

/**
 * When the fix ran, as Verify's window start: the remediation's end; without one (a state written
 * before it was recorded), the approval, the last recorded time before the first step. Never a
 * later time such as Verify's own start: a failure that recurred between the fix and then would be
 * dropped and a fix that did not hold would pass. Null (no recorded time at all): the incident's window, as before.
 */
export function fixTime(state: WorkflowState): string | null {
  return state.remediation?.finishedAt ?? state.approval?.at ?? null;
}

/** The targets Verify collects from (the plan's) and the window: only what was logged after the fix may show that it did not hold. */
export function verifyCollection(
  task: string,
  state: WorkflowState,
): {
  readonly targets: readonly Target[];
  readonly timing: IncidentTiming & { readonly remediatedAt: string | null };
} {
  const intake = requireState(task, state.intake, 'intake');
  const plan = requireState(task, state.plan, 'plan');
  const planned = new Set(plan.targets);
  return {
    targets: intake.targets.filter((t) => planned.has(t.id)),
    timing: { incidentTime: intake.trigger.at, remediatedAt: fixTime(state) },
  };
}
