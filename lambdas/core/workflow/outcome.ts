/**
 * The outcome of an execution, decided from its state once every step has run. One place, so the
 * audit trail, the notification and the console agree.
 */
import type { AuditOutcome, WorkflowState } from './model.js';

/** Maps the final execution state to its outcome. */
export function decideOutcome(state: WorkflowState): AuditOutcome {
  if (state.failure) return 'failed';
  if (state.lock && !state.lock.acquired) return 'skipped';
  const plan = state.plan;
  if (!plan) return 'failed';
  switch (plan.decision) {
    case 'unclassified':
      return 'unclassified';
    case 'dry-run':
      return 'dry-run';
    case 'report-only':
      return 'reported';
    case 'skip':
      return 'skipped';
    case 'escalate':
      return 'escalated';
    default:
      break;
  }
  if (plan.decision === 'approval') {
    if (!state.approval) return 'failed';
    if (state.approval.timedOut) return 'timed-out';
    if (!state.approval.approved) return 'rejected';
  }
  if (state.escalation) return 'escalated';
  if (state.remediation?.failed) return 'escalated';
  if (state.verification?.cleared) return 'remediated';
  return state.remediation?.done ? 'escalated' : 'failed';
}
