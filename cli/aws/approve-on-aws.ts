/**
 * `paramedic approve|reject <execution> --aws`: invokes the deployed approve function (its name
 * from the stack outputs) with the payload it accepts, `{ executionId, approved, approver, comment? }`.
 * The approver is your IAM principal as STS reports it, never a name typed on the command line.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { AwsSession } from './aws-session.js';

/** The id given on the command line names no execution, or the function refused the decision. */
export class AwsApprovalError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
    this.name = 'AwsApprovalError';
  }
}

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9._-]{1,80}:[A-Za-z0-9._-]{1,80}$/;
const EXECUTION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;

/**
 * The execution ARN the approve function wants, from an ARN, an execution name or the approval id
 * (`approval#<name>`, as the state table keys it), using the state machine's ARN for the latter two.
 * @example executionArnOf('4f1c…', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Wf') // 'arn:aws:states:eu-west-1:123456789012:execution:Wf:4f1c…'
 */
export function executionArnOf(id: string, stateMachineArn: string): string {
  if (EXECUTION_ARN.test(id)) return id;
  const name = id.startsWith('approval#') ? id.slice('approval#'.length) : id;
  if (!EXECUTION_NAME.test(name)) {
    throw new AwsApprovalError(`"${id.slice(0, 100)}" is not an execution: give its ARN (arn:aws:states:…:execution:…), its name, or the approval id approval#<name> from the approval request`, true);
  }
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Checks the id's shape before any AWS call (names need the state machine ARN later). */
export function checkApprovalId(id: string): void {
  executionArnOf(id, 'arn:aws:states:us-east-1:000000000000:stateMachine:check');
}

/** The decision the function recorded. */
export interface ApprovalAnswer {
  readonly executionId: string;
  readonly approved: boolean;
  readonly approver: string;
  readonly at: string;
}

/** Approves or rejects the pending approval of `id` as the caller's IAM principal. */
export async function answerApprovalOnAws(session: AwsSession, id: string, approved: boolean, comment?: string): Promise<ApprovalAnswer> {
  checkApprovalId(id);
  if (comment !== undefined && comment.length > 500) throw new AwsApprovalError('--comment must be at most 500 characters', true);
  const executionId = id.startsWith('arn:') ? id : executionArnOf(id, await session.stack.output('StateMachineArn'));
  const functionName = await session.stack.output('ApproveFunctionName');
  const payload = { executionId, approved, approver: await session.callerArn(), ...(comment ? { comment } : {}) };
  const out = await session.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  const body = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  if (out.FunctionError) {
    let message = body.slice(0, 300);
    try {
      const e = JSON.parse(body) as { errorType?: string; errorMessage?: string };
      message = e.errorType === 'ApprovalRequestError' ? String(e.errorMessage) : `${e.errorType}: ${e.errorMessage}`;
    } catch { /* keep the raw text */ }
    throw new AwsApprovalError(`the approve function ${functionName} refused: ${message}`);
  }
  return JSON.parse(body) as ApprovalAnswer;
}
