/**
 * What the approve function does with a verified answer: checks the approval is pending, records the
 * decision once (verified-approval.ts) and only then resumes the waiting task. Recording first is
 * what lets RecordApproval refuse any other resume; if the resume fails after the record (throttled,
 * the network), the same approver's retry of the same answer finds its own record and resumes with
 * it, while anyone else's answer is refused as already decided.
 */
import type { ApprovalDecision } from './model.js';
import type { Clock, StateStore } from './ports.js';
import { approvalKey } from './task-input.js';
import { recordVerifiedApproval, type VerifiedApproval } from './verified-approval.js';

/** Resumes the task waiting on a token with the decision as its output (AWS: SendTaskSuccess). */
export interface ApprovalResumer {
  /** `resumed`, or why the token can no longer be resumed (`InvalidToken`, `TaskTimedOut`, …). */
  resume(
    taskToken: string,
    decision: ApprovalDecision,
  ): Promise<'resumed' | { readonly gone: string }>;
}

/** What answering an approval uses. */
export interface AnswerApprovalPorts {
  readonly state: StateStore;
  readonly resumer: ApprovalResumer;
}

/** An answer from a principal already proven (the approve function's URL signature and STS identity proof). */
export interface ProvenAnswer {
  readonly executionId: string;
  readonly approved: boolean;
  /** The proven principal, never a name from the request body. */
  readonly approver: string;
  readonly comment?: string;
}

/** The answer cannot be taken: nothing pending, someone else decided first, or the execution no longer waits. */
export class ApprovalAnswerError extends Error {
  constructor(
    message: string,
    /** `not-pending` and `already-decided` change nothing; `not-waiting` means the decision is recorded but resumed nothing. */
    readonly kind: 'not-pending' | 'already-decided' | 'not-waiting',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApprovalAnswerError';
  }
}

/**
 * Records the proven answer as the execution's verified decision, then resumes the task with it.
 * Returns the decision that resumed it (on a retry, the one first recorded, with its time and comment).
 * @throws ApprovalAnswerError when the answer is not taken; other errors (the store, the resume) propagate and a retry is safe.
 */
export async function answerApproval(
  answer: ProvenAnswer,
  ports: AnswerApprovalPorts,
  clock: Clock,
): Promise<VerifiedApproval> {
  const pending = await ports.state.get(approvalKey(answer.executionId));
  // The key holds only the execution's name: the stored ARN must match too (same name, other state machine).
  if (
    pending?.status !== 'pending' ||
    typeof pending.taskToken !== 'string' ||
    pending.executionId !== answer.executionId
  ) {
    throw new ApprovalAnswerError(
      `no pending approval for ${answer.executionId}; it may have been decided or timed out`,
      'not-pending',
    );
  }
  const { standing } = await recordVerifiedApproval(ports.state, {
    executionId: answer.executionId,
    approved: answer.approved,
    approver: answer.approver,
    at: clock.now().toISOString(),
    ...(answer.comment ? { comment: answer.comment } : {}),
  });
  if (standing.approved !== answer.approved || standing.approver !== answer.approver) {
    throw new ApprovalAnswerError(
      `the approval of ${answer.executionId} was already decided: ${standing.approved ? 'approved' : 'rejected'} by ${standing.approver} at ${standing.at}; a second decision is refused (if the execution still waits, ${standing.approver} repeating the same answer resumes it)`,
      'already-decided',
    );
  }
  const { executionId: _id, ...decision } = standing;
  const resumed = await ports.resumer.resume(pending.taskToken, decision);
  if (resumed !== 'resumed') {
    throw new ApprovalAnswerError(
      `Step Functions no longer waits on the approval of ${answer.executionId} (${resumed.gone}); it was decided, timed out or the execution ended`,
      'not-waiting',
    );
  }
  return standing;
}
