/**
 * Lambda on the EventBridge rule for SSM's "EC2 Command Status-change Notification" (terminal
 * statuses of this deployment's documents): marks the command done, counts it off the wait it
 * belongs to, and, when it was the last one pending, resumes the waiting CollectSend or VerifySend
 * Task (SendTaskSuccess). Idempotent: a redelivered event rewrites the same mark and counts nothing.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbCommandWaits } from '../adapters/dynamodb/dynamodb-command-waits.js';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { SSM_RUNNER_ENV } from '../adapters/ssm/ssm-runner-environment.js';
import { StepFunctionsTaskCallback } from '../adapters/stepfunctions/task-callback.js';
import {
  COMMAND_DONE_TTL_SECONDS,
  commandDoneKey,
  parseCommandStatusEvent,
} from '../core/collection/command-completion.js';
import { DOCUMENT_PREFIX } from '../core/collection/document-names.js';
import type {
  CommandWaitOutcome,
  CommandWaitStore,
  TaskCallback,
} from '../core/collection/command-wait.js';
import type { StateStore } from '../core/workflow/ports.js';
import { documentClient, requiredEnvironment } from './handler-environment.js';
import { ENV } from './environment.js';
import { logger } from './powertools.js';

/** What one event did. */
export interface CommandCompletedResult {
  readonly marked: boolean;
  readonly commandId?: string;
  /** `resumed`/`gone`: this event was the wait's last (gone: the Task had already timed out or been resumed); `pending`: others remain; `unregistered`: the sender will find the mark. */
  readonly wait?: 'resumed' | 'gone' | 'pending' | 'unregistered';
}

/** The ports of {@link markCommandCompleted}. */
export interface CommandCompletedPorts {
  readonly state: StateStore;
  readonly waits: CommandWaitStore;
  readonly callback: TaskCallback;
}

/** Marks one terminal command and counts it off its wait; `{ marked: false }` for an event that is not one of ours. */
export async function markCommandCompleted(
  event: unknown,
  ports: CommandCompletedPorts,
  documentPrefix: string,
  now: Date = new Date(),
): Promise<CommandCompletedResult> {
  const completion = parseCommandStatusEvent(event, documentPrefix);
  if (!completion) return { marked: false };
  // The mark first: a sender registering right now reads it after writing its pointers (command-wait.ts).
  await ports.state.put(
    commandDoneKey(completion.commandId),
    { status: completion.status, document: completion.documentName, at: now.toISOString() },
    COMMAND_DONE_TTL_SECONDS,
  );
  const key = await ports.waits.waitOf(completion.commandId);
  if (!key) return { marked: true, commandId: completion.commandId, wait: 'unregistered' };
  if ((await ports.waits.complete(key, completion.commandId)) !== 'last')
    return { marked: true, commandId: completion.commandId, wait: 'pending' };
  const record = await ports.waits.get(key);
  if (!record?.taskToken) return { marked: true, commandId: completion.commandId, wait: 'gone' };
  const outcome: CommandWaitOutcome = {
    phase: record.phase,
    commands: record.commandIds.length,
    resumedBy: 'event',
  };
  return {
    marked: true,
    commandId: completion.commandId,
    wait: await ports.callback.succeed(record.taskToken, outcome),
  };
}

let ports: CommandCompletedPorts | undefined;

/** The Lambda handler. */
export const handler = middy(async (event: unknown) => {
  if (!ports) {
    const table = requiredEnvironment(process.env, ENV.stateTable);
    const clock = { now: () => new Date() };
    ports = {
      state: new DynamoDbStateStore(documentClient(), table, clock),
      waits: new DynamoDbCommandWaits(documentClient(), table, clock),
      callback: new StepFunctionsTaskCallback(new SFNClient({})),
    };
  }
  const result = await markCommandCompleted(
    event,
    ports,
    process.env[SSM_RUNNER_ENV.documentPrefix] ?? DOCUMENT_PREFIX,
  );
  if (!result.marked)
    logger.warn("ignored an event that is not a terminal status of this deployment's documents", {
      event,
    });
  else logger.info('command completed', { ...result });
  return result;
}).use(injectLambdaContext(logger, { clearState: true }));
