/**
 * The ApprovalGate port over the local approvals store: waitForTaskToken is not emulated locally,
 * so RequestApproval asks here and gets the decision (from the CLI flags or the console) in-process.
 */
import type { ApprovalDecision } from '../../core/workflow/model.js';
import type { ApprovalGate, ApprovalRequest } from '../../core/workflow/ports.js';
import type { ApprovalRecord, LocalApprovals } from './local-approvals.js';

/** How approval requests resolve locally: time out at once, wait for the console, or decided on the command line. */
export type ApprovalPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'approve'; readonly by: string }
  | { readonly kind: 'reject'; readonly by: string };

/** The id of an execution's approval request in the local store. */
export function approvalIdOf(executionId: string): string {
  return `${(executionId.split(':').pop() ?? executionId).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}-approval`;
}

/**
 * Answers RequestApproval from the local approvals store: records the request, then approves or
 * rejects per the CLI flags, or waits for a decision from the console; on timeout rejects with
 * `States.Timeout`, which the workflow catches exactly like the AWS timeout.
 */
export function localApprovalGate(approvals: LocalApprovals, policy: ApprovalPolicy): ApprovalGate {
  return {
    async waitForDecision(request: ApprovalRequest): Promise<ApprovalDecision> {
      const id = approvalIdOf(request.executionId);
      const timeoutSeconds = policy.kind === 'wait' ? policy.seconds : request.timeoutSeconds;
      await approvals.request({
        id,
        executionId: request.executionId,
        runbookId: request.plan.runbookId ?? undefined,
        target: request.plan.targets.join(', '),
        summary: request.summary,
        plan: request.plan,
        timeoutSeconds,
      });
      let rec: ApprovalRecord | undefined;
      if (policy.kind === 'approve' || policy.kind === 'reject')
        rec = await approvals.decide(id, {
          approved: policy.kind === 'approve',
          by: policy.by,
          comment: 'decided on the command line',
        });
      else if (policy.kind === 'wait')
        rec = await approvals.awaitDecision(id, policy.seconds * 1000);
      if (rec && (rec.status === 'approved' || rec.status === 'rejected')) {
        return {
          approved: rec.status === 'approved',
          approver: rec.decidedBy ?? 'unknown',
          at: rec.decidedAt ?? new Date().toISOString(),
          ...(rec.comment ? { comment: rec.comment } : {}),
        };
      }
      await approvals.timeOut(id);
      throw Object.assign(
        new Error(
          `approval ${id} got no decision in ${policy.kind === 'wait' ? policy.seconds : 0} s`,
        ),
        { name: 'States.Timeout' },
      );
    },
  };
}
