/**
 * RequestApproval: records the pending approval (with the task token, so the approve Lambda can
 * resume the execution) and notifies. On AWS the state then waits for SendTaskSuccess; locally the
 * ApprovalGate port answers in-process (rejecting with `States.Timeout` on a timeout) and its answer
 * is recorded as the verified decision RecordApproval checks.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import type { ApprovalDecision } from '../model.js';
import type { ApprovalRequest, Clock, WorkflowPorts } from '../ports.js';
import { publishStatus } from '../status-events.js';
import { approvalKey, requireState, type TaskInput } from '../task-input.js';
import { recordVerifiedApproval } from '../verified-approval.js';

/** What RequestApproval uses. */
export type RequestApprovalPorts = Pick<
  WorkflowPorts,
  'audit' | 'state' | 'notifier' | 'config' | 'approvals' | 'events'
>;

/** RequestApproval: `{ requested: true }` on AWS (the decision arrives through the task token), the decision locally. */
export async function runRequestApproval(
  { executionId, state, taskToken }: TaskInput,
  ports: RequestApprovalPorts,
  clock: Clock,
): Promise<ApprovalDecision | { requested: true }> {
  const intake = requireState('RequestApproval', state.intake, 'intake');
  const plan = requireState('RequestApproval', state.plan, 'plan');
  const timeoutSeconds = ports.config.approvalTimeoutSeconds;
  const request: ApprovalRequest = {
    executionId,
    plan,
    evidence: state.collection?.evidence ?? [],
    timeoutSeconds,
    summary: `${plan.runbookId}: ${plan.summary} on ${plan.targets.join(', ')}`,
    ...(taskToken ? { taskToken } : {}),
    ...(state.classification ? { classification: state.classification } : {}),
  };
  await ports.state.put(
    approvalKey(executionId),
    {
      executionId,
      taskToken: taskToken ?? null,
      plan,
      requestedAt: clock.now().toISOString(),
      status: 'pending',
    },
    timeoutSeconds + 3600,
  );
  // The message names the execution and how to answer, never the task token: whoever reads a
  // forwarded e-mail must not be able to resume the execution with it (the approve function reads
  // the token from the pending approval).
  const { taskToken: _token, ...notified } = request;
  // The CLI signs the answer with your AWS credentials; the approve function records the signer
  // (its URL authenticates IAM), so the answer carries no approver field to fill in.
  const cli = (verb: 'approve' | 'reject') =>
    `npx paramedic ${verb} '${executionId}' --aws --comment '<why>'`;
  const answer = {
    approve: cli('approve'),
    reject: cli('reject'),
    // Without identityProof the function refuses the answer (403): say so, or the hint fails.
    url: 'or POST {"executionId","approved","comment","identityProof"} signed with SigV4 (service lambda) to the ApproveUrl stack output; identityProof is a presigned STS GetCallerIdentity bound to the decision, which the command above builds',
  };
  await ports.notifier.notify({
    kind: 'approval',
    subject: `[paramedic] approval needed: ${plan.runbookId} on ${plan.targets.slice(0, 5).join(', ')}`,
    body: JSON.stringify({ ...notified, answer }).slice(0, 200_000),
  });
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'approval-requested',
    {
      plan: {
        decision: plan.decision,
        reason: plan.reason,
        steps: plan.steps.map((s) => s.action),
      },
      timeoutSeconds,
    },
    withRunbook(plan.runbookId),
  );
  await publishStatus(ports, clock, executionId, intake, 'awaiting-approval', {
    runbookId: plan.runbookId,
    summary: request.summary,
  });
  if (!ports.approvals) return { requested: true };
  // Locally the gate answers in-process, with no task token anyone else could resume: its answer is
  // the verified decision, recorded like the approve function's so RecordApproval checks both alike.
  const decision = await ports.approvals.waitForDecision(request);
  await recordVerifiedApproval(ports.state, {
    executionId,
    approved: decision.approved,
    approver: decision.approver,
    at: decision.at,
    ...(decision.comment ? { comment: decision.comment } : {}),
  });
  return decision;
}
