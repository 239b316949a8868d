/** RecordApproval: the decision (or the timeout), cleaned of anything an approver could inject, recorded with who and when. */
import { appendAudit } from '../audit-writer.js';
import type { ApprovalDecision } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { approvalKey, requireState, type TaskInput } from '../task-input.js';

/** What RecordApproval uses. */
export type RecordApprovalPorts = Pick<WorkflowPorts, 'audit' | 'state'>;

/** RecordApproval: a timed-out approval is a rejection by `system`. */
export async function runRecordApproval(
  { executionId, state }: TaskInput,
  ports: RecordApprovalPorts,
  clock: Clock,
): Promise<ApprovalDecision> {
  const intake = requireState('RecordApproval', state.intake, 'intake');
  const raw = state.approval as unknown as Record<string, unknown> | undefined;
  const decision: ApprovalDecision =
    state.approvalTimeout || !raw
      ? {
          approved: false,
          approver: 'system',
          at: clock.now().toISOString(),
          timedOut: true,
          comment: 'no decision before the approval timeout',
        }
      : {
          approved: raw.approved === true,
          approver: typeof raw.approver === 'string' ? raw.approver.slice(0, 200) : 'unknown',
          at: typeof raw.at === 'string' ? raw.at : clock.now().toISOString(),
          ...(typeof raw.comment === 'string' ? { comment: raw.comment.slice(0, 500) } : {}),
        };
  const status = decision.timedOut ? 'timed-out' : decision.approved ? 'approved' : 'rejected';
  await ports.state.put(
    approvalKey(executionId),
    { executionId, status, decidedBy: decision.approver, decidedAt: decision.at },
    24 * 3600,
  );
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'approval',
    { ...decision },
    { actor: decision.timedOut ? 'system' : `user:${decision.approver}` },
  );
  return decision;
}
