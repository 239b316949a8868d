/**
 * The decision the approve function verified, kept server-side so RecordApproval can tell it from a
 * forged resume. The task token of a waiting RequestApproval is readable by more than the approve
 * function (GetExecutionHistory, the pending `approval#` item), and anyone allowed
 * `states:SendTaskSuccess` can resume it with any output: so the output is only a claim, and the
 * audit records the decision written here, once, by whoever verified the approver (the approve
 * function after its STS identity proof; locally the in-process approval gate) before it resumed.
 */
import type { ApprovalDecision, UnverifiedResume } from './model.js';
import type { StateStore } from './ports.js';
import { executionName } from './task-input.js';

/** How long a verified decision is kept: RecordApproval reads it right after the resume; a day covers retries and a late look. */
export const VERIFIED_APPROVAL_TTL_SECONDS = 24 * 3600;

/** A decision as its verifier recorded it: the execution (full ARN), the answer, the proven principal, when. */
export interface VerifiedApproval {
  readonly executionId: string;
  readonly approved: boolean;
  /** The principal the verifier proved (an IAM ARN on AWS, the local user locally), never a name from a request body. */
  readonly approver: string;
  readonly at: string;
  readonly comment?: string;
}

/**
 * The state-table key of an execution's verified decision. Apart from the pending `approval#` item
 * on purpose: RequestApproval and RecordApproval overwrite that one, and this one is written only
 * if absent, so a decision once recorded cannot be replaced.
 */
export function verifiedApprovalKey(executionId: string): string {
  return `${VERIFIED_APPROVAL_KEY_PREFIX}${executionName(executionId)}`;
}

/** What every verified decision's key starts with: the approve function may write those items only (IAM `dynamodb:LeadingKeys`). */
export const VERIFIED_APPROVAL_KEY_PREFIX = 'approval-decision#';

/**
 * Records `decision` unless one is already recorded for the execution (conditional write). Returns
 * the decision that stands: this one (`first`), or the earlier one, which the caller compares.
 */
export async function recordVerifiedApproval(
  state: StateStore,
  decision: VerifiedApproval,
): Promise<{ readonly standing: VerifiedApproval; readonly first: boolean }> {
  const key = verifiedApprovalKey(decision.executionId);
  if (await state.putIfAbsent(key, { ...decision }, VERIFIED_APPROVAL_TTL_SECONDS))
    return { standing: decision, first: true };
  const earlier = await readVerifiedApproval(state, decision.executionId);
  // Absent again: it expired between the two calls (a day later); nothing else removes it.
  return earlier ? { standing: earlier, first: false } : recordVerifiedApproval(state, decision);
}

/** The verified decision of this execution, or undefined when none was recorded (or it belongs to another execution of the same name). */
export async function readVerifiedApproval(
  state: StateStore,
  executionId: string,
): Promise<VerifiedApproval | undefined> {
  const v = await state.get(verifiedApprovalKey(executionId));
  // The key holds only the execution's name: the stored ARN must match (same name, another state machine).
  if (
    !v ||
    v.executionId !== executionId ||
    typeof v.approved !== 'boolean' ||
    typeof v.approver !== 'string' ||
    typeof v.at !== 'string'
  )
    return undefined;
  return {
    executionId,
    approved: v.approved,
    approver: v.approver,
    at: v.at,
    ...(typeof v.comment === 'string' ? { comment: v.comment } : {}),
  };
}

/**
 * Judges what resumed the approval task against the verified decision: the verified decision when
 * the output claims exactly its answer and approver, otherwise why the resume is refused.
 */
export function judgeResume(
  output: Readonly<Record<string, unknown>>,
  verified: VerifiedApproval | undefined,
): { readonly decision: ApprovalDecision } | { readonly refused: UnverifiedResume } {
  const claimed = {
    approved: output.approved === true,
    approver: typeof output.approver === 'string' ? output.approver.slice(0, 200) : 'unknown',
  };
  const refuse = (why: string) => ({
    refused: {
      claimed,
      reason: `approval refused: the task was resumed with "${claimed.approved ? 'approve' : 'reject'} by ${claimed.approver}" but ${why}; someone allowed states:SendTaskSuccess resumed it directly (find the SendTaskSuccess call in CloudTrail). Nothing was remediated; if the fix is still needed, start a new run and answer its approval with "paramedic approve <execution> --aws"`,
    },
  });
  if (!verified) return refuse('the approve function recorded no decision for this execution');
  if (verified.approved !== claimed.approved || verified.approver !== claimed.approver)
    return refuse(
      `the approve function recorded "${verified.approved ? 'approve' : 'reject'} by ${verified.approver}"`,
    );
  return {
    decision: {
      approved: verified.approved,
      approver: verified.approver,
      at: verified.at,
      ...(verified.comment ? { comment: verified.comment } : {}),
    },
  };
}
