/**
 * `paramedic approve|reject <execution> --aws`: POSTs `{ executionId, approved, comment? }` to the
 * deployed approve function's URL (stack output `ApproveUrl`, `AuthType: AWS_IAM`), signed with
 * SigV4 by your credential chain, with an identity proof (a presigned STS GetCallerIdentity bound to
 * this decision). The function records the principal STS names, which must be the URL's signer: the
 * CLI sends no approver at all, so none can be forged.
 */
import type { AwsSession } from './aws-session.js';
import { approvalBinding } from '../../lambdas/core/workflow/approval-identity.js';
import { presignCallerIdentity } from './caller-identity-proof.js';
import { postSignedJson, regionOfFunctionUrl } from './signed-post.js';
import { EXECUTION_ARN, EXECUTION_NAME } from '../../lambdas/core/workflow/execution-arn.js';

/** The id given on the command line names no execution, or the function refused the decision. */
export class AwsApprovalError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'AwsApprovalError';
  }
}

/**
 * The execution ARN the approve function wants, from an ARN, an execution name or the approval id
 * (`approval#<name>`, as the state table keys it), using the state machine's ARN for the latter two.
 * @example executionArnOf('4f1c…', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Wf') // 'arn:aws:states:eu-west-1:123456789012:execution:Wf:4f1c…'
 */
export function executionArnOf(id: string, stateMachineArn: string): string {
  if (EXECUTION_ARN.test(id)) return id;
  const name = id.startsWith('approval#') ? id.slice('approval#'.length) : id;
  if (!EXECUTION_NAME.test(name)) {
    throw new AwsApprovalError(
      `"${id.slice(0, 100)}" is not an execution: give its ARN (arn:aws:states:…:execution:…), its name, or the approval id approval#<name> from the approval request`,
      true,
    );
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

/** Approves or rejects the pending approval of `id`; the function records the request's signer as the approver. */
export async function answerApprovalOnAws(
  session: AwsSession,
  id: string,
  approved: boolean,
  comment?: string,
): Promise<ApprovalAnswer> {
  checkApprovalId(id);
  if (comment !== undefined && comment.length > 500)
    throw new AwsApprovalError('--comment must be at most 500 characters', true);
  const executionId = id.startsWith('arn:')
    ? id
    : executionArnOf(id, await session.stack.output('StateMachineArn'));
  const url = new URL(await session.stack.output('ApproveUrl'));
  // The signing region is the URL's own (a URL names its region), else the session's.
  const region = regionOfFunctionUrl(url) ?? (await session.lambda.config.region());
  const signer = { credentials: session.lambda.config.credentials, region };
  const identityProof = await presignCallerIdentity(
    signer,
    approvalBinding({ executionId, approved }),
  );
  const { status, text } = await postSignedJson(
    url,
    { executionId, approved, ...(comment ? { comment } : {}), identityProof },
    signer,
  );
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* a non-JSON answer is reported by status below */
  }
  if (status === 200 && typeof answer.approver === 'string')
    return answer as unknown as ApprovalAnswer;
  // 403 with {Message} is Lambda's own refusal of the signature or the permission; {error} is the function's.
  if (typeof answer.error === 'string')
    throw new AwsApprovalError(`the approve function refused: ${answer.error}`);
  if (status === 403)
    throw new AwsApprovalError(
      `the approve URL refused your credentials (HTTP 403${typeof answer.Message === 'string' ? `: ${answer.Message}` : ''}): approvers need lambda:InvokeFunctionUrl and lambda:InvokeFunction on the approve function (README "Approving")`,
    );
  throw new AwsApprovalError(
    `the approve function failed (HTTP ${status}): ${text.slice(0, 300) || 'no answer'}; see its log group`,
  );
}
