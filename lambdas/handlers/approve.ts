/**
 * Lambda that answers a pending approval, called through its Function URL (`AuthType: AWS_IAM`,
 * stack output `ApproveUrl`) with a SigV4-signed `POST { executionId, approved, comment? }`. It
 * records the verified decision in the state table, then resumes the task whose token RequestApproval
 * stored there (core/workflow/answer-approval.ts); RecordApproval records only a decision recorded so.
 * The approver is the IAM principal Lambda authenticated from the signature, never a name in the body.
 * Called by an operator (`paramedic approve|reject --aws`); never by the alarm path.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { StepFunctionsApprovalCallback } from '../adapters/stepfunctions/approval-callback.js';
import {
  IdentityProofError,
  verifyCallerIdentityProof,
} from '../adapters/sts/caller-identity-proof.js';
import { ApprovalAnswerError, answerApproval } from '../core/workflow/answer-approval.js';
import { approvalBinding } from '../core/workflow/approval-identity.js';
import { documentClient, requiredEnvironment } from './handler-environment.js';
import { ENV } from './environment.js';
import { functionUrlCall, FunctionUrlCallError } from './function-url-call.js';
import { logger } from './powertools.js';
import { EXECUTION_ARN } from '../core/workflow/execution-arn.js';

/** The request is malformed, names someone else as approver, the approval is not pending, or Step Functions no longer knows its token. */
export class ApprovalRequestError extends Error {
  /** The HTTP status the Function URL answers with. */
  readonly statusCode: number;
  constructor(message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(message, options);
    this.name = 'ApprovalRequestError';
    this.statusCode = options?.statusCode ?? 400;
  }
}

/**
 * Why a direct `Invoke` is refused rather than recorded: a direct Invoke carries no authenticated
 * caller (Lambda passes only the payload), so whatever approver it named would be the caller's word.
 * The approval e-mail and the README send operators to the CLI / the URL instead.
 */
const DIRECT_INVOKE_REFUSED =
  'this function is answered only through its function URL (stack output ApproveUrl), which records your IAM principal as the approver: run "paramedic approve|reject <execution> --aws"';
const REQUEST_FIELDS = new Set(['executionId', 'approved', 'approver', 'comment', 'identityProof']);

/** Validates the operator's request body; the approver is `authenticatedApprover`, the URL's IAM principal. */
export function parseApproveRequest(
  body: unknown,
  authenticatedApprover: string,
): {
  executionId: string;
  approved: boolean;
  approver: string;
  comment?: string;
  identityProof?: unknown;
} {
  const e = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  // The token is never taken from the caller: it is read from the pending approval, so a caller
  // cannot resume some other waiting task.
  if ('taskToken' in e)
    throw new ApprovalRequestError(
      'taskToken is not accepted: the token is read from the pending approval of executionId',
    );
  const unknown = Object.keys(e).filter((k) => !REQUEST_FIELDS.has(k));
  if (unknown.length > 0)
    throw new ApprovalRequestError(
      `unknown field ${unknown[0]}; allowed fields are ${[...REQUEST_FIELDS].join(', ')}`,
    );
  if (typeof e.executionId !== 'string' || !e.executionId)
    throw new ApprovalRequestError('executionId is required (the execution ARN)');
  // Checked before it reaches a header or a key: a newline or a non-Latin-1 character would make
  // the STS proof's request throw (a 502 blaming STS) instead of telling the caller.
  if (!EXECUTION_ARN.test(e.executionId))
    throw new ApprovalRequestError(
      `executionId "${e.executionId.slice(0, 100).replace(/[^\x20-\x7e]/g, '?')}" is not an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>); "paramedic approve <name> --aws" builds it`,
    );
  if (typeof e.approved !== 'boolean')
    throw new ApprovalRequestError('approved must be true or false');
  // A body may repeat the approver (older scripts did) but never name someone else.
  if (e.approver !== undefined && e.approver !== authenticatedApprover) {
    throw new ApprovalRequestError(
      `approver "${String(e.approver).slice(0, 200)}" is not the signer of this request (${authenticatedApprover}): the approver is always the authenticated IAM principal; leave approver out`,
      { statusCode: 403 },
    );
  }
  if (e.comment !== undefined && (typeof e.comment !== 'string' || e.comment.length > 500))
    throw new ApprovalRequestError('comment must be a string of at most 500 characters');
  return {
    executionId: e.executionId,
    approved: e.approved,
    approver: authenticatedApprover,
    ...(typeof e.comment === 'string' ? { comment: e.comment } : {}),
    ...(e.identityProof !== undefined ? { identityProof: e.identityProof } : {}),
  };
}

/** The Function URL response: JSON with the status of the outcome. */
function respond(
  statusCode: number,
  body: unknown,
): { statusCode: number; headers: Record<string, string>; body: string } {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Entry point: the Function URL's HTTP answer; a direct Invoke is refused with an error. */
export const handler = middy(async (event: unknown) => {
  // A principal allowed lambda:InvokeFunction can hand-craft a payload with a requestContext, and
  // Lambda gives the code no way to tell it from a URL call: so the approver is also proven to STS.
  let call: ReturnType<typeof functionUrlCall>;
  try {
    call = functionUrlCall(event);
  } catch (error) {
    if (error instanceof FunctionUrlCallError)
      return respond(error.statusCode, { error: error.message });
    throw error;
  }
  if (!call) throw new ApprovalRequestError(DIRECT_INVOKE_REFUSED, { statusCode: 403 });
  if (call.method !== 'POST')
    return respond(405, {
      error: `use POST with { executionId, approved, comment? }, not ${call.method}`,
    });
  try {
    const request = parseApproveRequest(call.body, call.callerArn);
    await proveApprover(request);
    return respond(200, await decide(request));
  } catch (error) {
    if (error instanceof ApprovalRequestError)
      return respond(error.statusCode, { error: error.message });
    if (error instanceof IdentityProofError) return respond(403, { error: error.message });
    throw error;
  }
}).use(injectLambdaContext(logger));

/** Asks STS who made the identity proof for this decision; it must be the URL request's signer. */
async function proveApprover(request: ReturnType<typeof parseApproveRequest>): Promise<void> {
  const proven = await verifyCallerIdentityProof(request.identityProof, approvalBinding(request), {
    region: requiredEnvironment(process.env, 'AWS_REGION'),
    now: new Date(),
  });
  if (proven !== request.approver) {
    throw new ApprovalRequestError(
      `the identity proof was made by ${proven.slice(0, 200)}, not by the signer of this request (${request.approver.slice(0, 200)}): sign both with the same credentials`,
      { statusCode: 403 },
    );
  }
}

/** Records the verified decision, then resumes the waiting execution with it; returns what was recorded. */
async function decide(request: ReturnType<typeof parseApproveRequest>): Promise<{
  executionId: string;
  approved: boolean;
  approver: string;
  at: string;
  comment?: string;
}> {
  const clock = { now: () => new Date() };
  const state = new DynamoDbStateStore(
    documentClient(),
    requiredEnvironment(process.env, ENV.stateTable),
    clock,
  );
  const { identityProof: _proof, ...answer } = request;
  try {
    const decision = await answerApproval(
      answer,
      { state, resumer: new StepFunctionsApprovalCallback(new SFNClient({})) },
      clock,
    );
    logger.info('approval decided', { ...decision });
    return decision;
  } catch (error) {
    if (!(error instanceof ApprovalAnswerError)) throw error;
    throw new ApprovalRequestError(error.message, { cause: error, statusCode: 409 });
  }
}
