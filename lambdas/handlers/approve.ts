/**
 * Lambda that answers a pending approval: `{ executionId, approved, approver, comment? }`. It looks
 * the task token up in the state table (written by RequestApproval) and calls SendTaskSuccess.
 * Invoked by an operator (`aws lambda invoke`, the console with `--aws`); never by the alarm path.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { StepFunctionsApprovalCallback } from '../adapters/stepfunctions/approval-callback.js';
import { approvalKey } from '../core/workflow/task-input.js';
import { documentClient, requiredEnvironment } from './handler-environment.js';
import { ENV } from './environment.js';
import { logger } from './powertools.js';

/** The request is malformed, the approval is not pending, or Step Functions no longer knows its token. */
export class ApprovalRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApprovalRequestError';
  }
}

// `paramedic approve --aws` sends the caller's IAM ARN (STS GetCallerIdentity), e.g.
// arn:aws:sts::123456789012:assumed-role/Ops/alice@example.com: up to about 170 characters.
const APPROVER = /^[A-Za-z0-9][A-Za-z0-9._@:+=,\/-]{0,199}$/;
const REQUEST_FIELDS = new Set(['executionId', 'approved', 'approver', 'comment']);
/** What Step Functions answers for a token it will not resume (unknown, already answered, or timed out). */
const DEAD_TOKEN_ERRORS = new Set(['InvalidToken', 'TaskDoesNotExist', 'TaskTimedOut']);

/** Validates the operator's request. */
export function parseApproveRequest(event: unknown): { executionId: string; approved: boolean; approver: string; comment?: string } {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  // The token is never taken from the caller: it is read from the pending approval, so a caller
  // cannot resume some other waiting task.
  if ('taskToken' in e) throw new ApprovalRequestError('taskToken is not accepted: the token is read from the pending approval of executionId');
  const unknown = Object.keys(e).filter((k) => !REQUEST_FIELDS.has(k));
  if (unknown.length > 0) throw new ApprovalRequestError(`unknown field ${unknown[0]}; allowed fields are ${[...REQUEST_FIELDS].join(', ')}`);
  if (typeof e.executionId !== 'string' || !e.executionId) throw new ApprovalRequestError('executionId is required (the execution ARN)');
  if (typeof e.approved !== 'boolean') throw new ApprovalRequestError('approved must be true or false');
  if (typeof e.approver !== 'string' || !APPROVER.test(e.approver)) throw new ApprovalRequestError('approver is required: a user name or IAM ARN of letters, digits and . _ @ : + = , / - (at most 200)');
  if (e.comment !== undefined && (typeof e.comment !== 'string' || e.comment.length > 500)) throw new ApprovalRequestError('comment must be a string of at most 500 characters');
  return { executionId: e.executionId, approved: e.approved, approver: e.approver, ...(typeof e.comment === 'string' ? { comment: e.comment } : {}) };
}

/** Entry point. */
export const handler = middy(async (event: unknown) => {
  const request = parseApproveRequest(event);
  const clock = { now: () => new Date() };
  const state = new DynamoDbStateStore(documentClient(), requiredEnvironment(process.env, ENV.stateTable), clock);
  const pending = await state.get(approvalKey(request.executionId));
  // The key holds only the execution's name: the stored ARN must match too (same name, other state machine).
  if (!pending || pending.status !== 'pending' || typeof pending.taskToken !== 'string' || pending.executionId !== request.executionId) {
    throw new ApprovalRequestError(`no pending approval for ${request.executionId}; it may have been decided or timed out`);
  }
  const decision = { approved: request.approved, approver: request.approver, at: clock.now().toISOString(), ...(request.comment ? { comment: request.comment } : {}) };
  try {
    await new StepFunctionsApprovalCallback(new SFNClient({})).decide(pending.taskToken, decision);
  } catch (error) {
    if (!DEAD_TOKEN_ERRORS.has((error as Error).name)) throw error;
    throw new ApprovalRequestError(`Step Functions no longer waits on the approval of ${request.executionId} (${(error as Error).name}); it was decided, timed out or the execution ended`, { cause: error });
  }
  logger.info('approval decided', { executionId: request.executionId, ...decision });
  return decision;
}).use(injectLambdaContext(logger));
