/**
 * Lambda on the EventBridge rule for SSM's "EC2 Command Status-change Notification" (terminal
 * statuses of this deployment's documents): marks the command done in the state table, where the
 * runner of Collect, Verify or RemediateStep waits for it (core/collection/command-completion.ts).
 * Idempotent: a redelivered event rewrites the same mark.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { SSM_RUNNER_ENV } from '../adapters/ssm/ssm-runner-environment.js';
import { COMMAND_DONE_TTL_SECONDS, commandDoneKey, parseCommandStatusEvent } from '../core/collection/command-completion.js';
import { DOCUMENT_PREFIX } from '../core/collection/collector-documents.js';
import type { StateStore } from '../core/workflow/ports.js';
import { documentClient, requiredEnvironment } from './handler-environment.js';
import { ENV } from './environment.js';
import { logger } from './powertools.js';

/** Marks one terminal command; `{ marked: false }` for an event that is not one of ours. */
export async function markCommandCompleted(event: unknown, state: StateStore, documentPrefix: string, now: Date = new Date()): Promise<{ marked: boolean; commandId?: string }> {
  const completion = parseCommandStatusEvent(event, documentPrefix);
  if (!completion) return { marked: false };
  await state.put(commandDoneKey(completion.commandId), { status: completion.status, document: completion.documentName, at: now.toISOString() }, COMMAND_DONE_TTL_SECONDS);
  return { marked: true, commandId: completion.commandId };
}

let state: StateStore | undefined;

/** The Lambda handler. */
export const handler = middy(async (event: unknown) => {
  state ??= new DynamoDbStateStore(documentClient(), requiredEnvironment(process.env, ENV.stateTable), { now: () => new Date() });
  const result = await markCommandCompleted(event, state, process.env[SSM_RUNNER_ENV.documentPrefix] ?? DOCUMENT_PREFIX);
  if (!result.marked) logger.warn('ignored an event that is not a terminal status of this deployment\'s documents', { event });
  return result;
}).use(injectLambdaContext(logger, { clearState: true }));
