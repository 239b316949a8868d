/**
 * RecordApproval: the decision (or the timeout) recorded with who and when. What resumed the task is
 * only a claim (anyone allowed SendTaskSuccess can resume it): the decision recorded is the one the
 * approve function verified and wrote before resuming; a resume that matches none is refused and
 * recorded as a rejection, so the run does not remediate.
 */
import { appendAudit } from '../audit-writer.js';
import type { ApprovalDecision } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { approvalKey, requireState, type TaskInput } from '../task-input.js';
import { judgeResume, readVerifiedApproval } from '../verified-approval.js';

/** What RecordApproval uses. */
export type RecordApprovalPorts = Pick<WorkflowPorts, 'audit' | 'state'>;

/** RecordApproval: a timed-out approval is a rejection by `system`, and so is a resume nobody verified. */
export async function runRecordApproval(
  { executionId, state }: TaskInput,
  ports: RecordApprovalPorts,
  clock: Clock,
): Promise<ApprovalDecision> {
  const intake = requireState('RecordApproval', state.intake, 'intake');
  const output = state.approval as unknown as Record<string, unknown> | undefined;
  const decision: ApprovalDecision =
    state.approvalTimeout || !output
      ? {
          approved: false,
          approver: 'system',
          at: clock.now().toISOString(),
          timedOut: true,
          comment: 'no decision before the approval timeout',
        }
      : verifiedOrRefused(
          judgeResume(output, await readVerifiedApproval(ports.state, executionId)),
          clock,
        );
  const status = decision.timedOut ? 'timed-out' : decision.approved ? 'approved' : 'rejected';
  await ports.state.put(
    approvalKey(executionId),
    {
      executionId,
      status,
      decidedBy: decision.approver,
      decidedAt: decision.at,
      ...(decision.refused ? { refused: decision.refused.reason } : {}),
    },
    24 * 3600,
  );
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'approval',
    { ...decision },
    { actor: decision.timedOut || decision.refused ? 'system' : `user:${decision.approver}` },
  );
  return decision;
}

/** The verified decision, or a rejection by `system` that carries why the resume was refused. */
function verifiedOrRefused(judged: ReturnType<typeof judgeResume>, clock: Clock): ApprovalDecision {
  if ('decision' in judged) return judged.decision;
  return {
    approved: false,
    approver: 'system',
    at: clock.now().toISOString(),
    comment: judged.refused.reason,
    refused: judged.refused,
  };
}
