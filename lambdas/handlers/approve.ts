/**
 * Lambda that answers a pending approval: `{ executionId, approved, approver, comment? }`. It looks
 * the task token up in the state table (written by RequestApproval) and calls SendTaskSuccess.
 * Invoked by an operator (`aws lambda invoke`, the console with `--aws`); never by the alarm path.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { StepFunctionsApprovalCallback } from '../adapters/stepfunctions/approval-callback.js';
import { documentClient } from './aws-ports.js';
import { ENV } from './environment.js';
import { logger, tracer } from './task-handler.js';
import { executionName } from './workflow-tasks.js';

/** The request is malformed or the approval is not pending. */
export class ApprovalRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalRequestError';
  }
}

const APPROVER = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,63}$/;

/** Validates the operator's request. */
export function parseApproveRequest(event: unknown): { executionId: string; approved: boolean; approver: string; comment?: string } {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (typeof e.executionId !== 'string' || !e.executionId) throw new ApprovalRequestError('executionId is required (the execution ARN)');
  if (typeof e.approved !== 'boolean') throw new ApprovalRequestError('approved must be true or false');
  if (typeof e.approver !== 'string' || !APPROVER.test(e.approver)) throw new ApprovalRequestError('approver is required: a user name of letters, digits and . _ @ : + -');
  if (e.comment !== undefined && (typeof e.comment !== 'string' || e.comment.length > 500)) throw new ApprovalRequestError('comment must be a string of at most 500 characters');
  return { executionId: e.executionId, approved: e.approved, approver: e.approver, ...(typeof e.comment === 'string' ? { comment: e.comment } : {}) };
}

/** Entry point. */
export const handler = middy(async (event: unknown) => {
  const request = parseApproveRequest(event);
  const clock = { now: () => new Date() };
  const state = new DynamoDbStateStore(documentClient(), process.env[ENV.stateTable] ?? '', clock);
  const pending = await state.get(`approval#${executionName(request.executionId)}`);
  if (!pending || pending.status !== 'pending' || typeof pending.taskToken !== 'string') {
    throw new ApprovalRequestError(`no pending approval for ${request.executionId}; it may have been decided or timed out`);
  }
  const decision = { approved: request.approved, approver: request.approver, at: clock.now().toISOString(), ...(request.comment ? { comment: request.comment } : {}) };
  await new StepFunctionsApprovalCallback(new SFNClient({})).decide(pending.taskToken, decision);
  return decision;
}).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger));
