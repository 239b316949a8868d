/**
 * Answers a pending approval: SendTaskSuccess with the decision as the task's output, which the
 * workflow's RecordApproval step then records (who, when). The token comes from the approval
 * request (notification or the state table's `approval#<execution>` item).
 */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ApprovalDecision } from '../../core/workflow/model.js';

/** Sends approval decisions back to waiting executions. */
export class StepFunctionsApprovalCallback {
  constructor(private readonly sfn: SFNClient) {}

  /** Resumes the execution waiting on `taskToken` with the decision. */
  async decide(taskToken: string, decision: ApprovalDecision): Promise<void> {
    await this.sfn.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }),
    );
  }
}
