/**
 * Glue between the local ports and the CDK workflow's handlers (lambdas/handlers/workflow-tasks.ts):
 * the approval gate over the local approvals store (waitForTaskToken is not emulated locally) and
 * the command runners that decide what "a target" means on one machine.
 */
import type { ApprovalDecision } from '../../core/workflow/model.js';
import type { CommandRequest, CommandResult, CommandRunner } from '../../core/ports.js';
import type { ApprovalGate, ApprovalRequest } from '../../handlers/workflow-tasks.js';
import type { LocalApprovals } from './local-approvals.js';
import type { ApprovalPolicy } from './local-workflow.js';

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
      await approvals.request({ id, executionId: request.executionId, runbookId: request.plan.runbookId ?? undefined, target: request.plan.targets.join(', '), summary: request.summary, plan: request.plan, timeoutSeconds });
      let rec;
      if (policy.kind === 'approve' || policy.kind === 'reject') rec = await approvals.decide(id, { approved: policy.kind === 'approve', by: policy.by, comment: 'decided on the command line' });
      else if (policy.kind === 'wait') rec = await approvals.awaitDecision(id, policy.seconds * 1000);
      if (rec && (rec.status === 'approved' || rec.status === 'rejected')) {
        return { approved: rec.status === 'approved', approver: rec.decidedBy ?? 'unknown', at: rec.decidedAt ?? new Date().toISOString(), ...(rec.comment ? { comment: rec.comment } : {}) };
      }
      await approvals.timeOut(id);
      throw Object.assign(new Error(`approval ${id} got no decision in ${policy.kind === 'wait' ? policy.seconds : 0} s`), { name: 'States.Timeout' });
    },
  };
}

/**
 * Alarm runs: the alarm names a host (an instance id), but here that host is this machine, so
 * every target is collected and remediated as `local`; results carry the original target back.
 */
export class ThisMachineRunner implements CommandRunner {
  constructor(private readonly inner: CommandRunner) {}

  /** Runs once on `local` and answers for every requested target. */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    const [result] = await this.inner.run({ ...request, targets: ['local'] });
    return request.targets.map((target) => ({ ...(result ?? { status: 'Failed', exitCode: null, stdout: '', stderr: 'no result' }), target }));
  }
}

/** Manual runs: `local` runs here; any other target is out of reach without the deployed stack. */
export class LocalOnlyRunner implements CommandRunner {
  constructor(private readonly inner: CommandRunner | undefined) {}

  /** Runs `local` targets; answers InvalidTarget for the others. */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    const local = request.targets.filter((t) => t === 'local');
    const results: CommandResult[] = local.length && this.inner ? [...(await this.inner.run({ ...request, targets: local }))] : [];
    for (const target of request.targets) {
      if (target === 'local' && this.inner) continue;
      results.push({ target, status: 'InvalidTarget', exitCode: null, stdout: '', stderr: target === 'local' ? 'no local runner in a dry run' : `${target} is not this machine: run it through the deployed stack (Step Functions) or use --target local` });
    }
    return results;
  }
}
