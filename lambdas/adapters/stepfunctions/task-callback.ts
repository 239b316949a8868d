/**
 * Resumes a Task waiting on its token (SendTaskSuccess). A token Step Functions no longer waits on
 * (already resumed by another caller, timed out, execution ended) is `gone`, not an error: two
 * callers may race to resume the same wait (core/collection/command-wait.ts), and a late event
 * after the wait timed out has nothing left to do.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallback } from '../../core/collection/command-wait.js';

/** What SendTaskSuccess answers for a token that can no longer be resumed. */
export const CLOSED_TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'InvalidToken',
  'TaskDoesNotExist',
  'TaskTimedOut',
]);

/** TaskCallback over Step Functions. */
export class StepFunctionsTaskCallback implements TaskCallback {
  constructor(private readonly sfn: SFNClient) {}

  /** SendTaskSuccess with `output` as the Task's result. */
  async succeed(taskToken: string, output: unknown): Promise<'resumed' | 'gone'> {
    try {
      await this.sfn.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }),
      );
      return 'resumed';
    } catch (error) {
      if (CLOSED_TOKEN_ERRORS.has((error as Error).name)) return 'gone';
      throw error;
    }
  }
}
