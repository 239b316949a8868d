/**
 * Resumes a pending approval: SendTaskSuccess with the verified decision as the task's output, which
 * the workflow's RecordApproval step checks against the decision recorded before it (who, when). The
 * token comes from the state table's `approval#<execution>` item, never from a caller.
 */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ApprovalResumer } from '../../core/workflow/answer-approval.js';
import type { ApprovalDecision } from '../../core/workflow/model.js';
import { CLOSED_TOKEN_ERRORS } from './task-callback.js';

/** Sends approval decisions back to waiting executions. */
export class StepFunctionsApprovalCallback implements ApprovalResumer {
  constructor(private readonly sfn: SFNClient) {}

  /** Resumes the execution waiting on `taskToken` with the decision; a token no longer waited on is `gone`, with Step Functions' error name. */
  async resume(
    taskToken: string,
    decision: ApprovalDecision,
  ): Promise<'resumed' | { readonly gone: string }> {
    try {
      await this.sfn.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }),
      );
      return 'resumed';
    } catch (error) {
      if (CLOSED_TOKEN_ERRORS.has((error as Error).name)) return { gone: (error as Error).name };
      throw error;
    }
  }
}
