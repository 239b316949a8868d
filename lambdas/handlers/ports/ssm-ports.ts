/** The `commands` port: the project's SSM documents, full output read back from the evidence bucket. */
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmCommandRunner } from '../../adapters/ssm/ssm-command-runner.js';
import { SSM_RUNNER_ENV, ssmRunnerSettingsFrom } from '../../adapters/ssm/ssm-runner-environment.js';
import { DynamoDbCommandWaits } from '../../adapters/dynamodb/dynamodb-command-waits.js';
import { DynamoDbStateStore } from '../../adapters/dynamodb/dynamodb-state-store.js';
import { commandDoneKey, type CommandCompletions } from '../../core/collection/command-completion.js';
import { documentClient, requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { invocationDeadline } from '../invocation-deadline.js';

/** Completion marks the CommandCompleted Lambda writes to the state table (lambdas/handlers/command-completed.ts). */
function stateTableCompletions(env: NodeJS.ProcessEnv): CommandCompletions {
  const state = new DynamoDbStateStore(documentClient(), requiredEnvironment(env, ENV.stateTable), { now: () => new Date() });
  return { isDone: async (commandId) => (await state.get(commandDoneKey(commandId))) !== undefined };
}

/**
 * SSM Run Command (SSM + S3 clients). `commands` runs to the end, waiting for completion marks
 * (RemediateStep, Plan's dry runs, Escalate); `deferredCommands` and `commandWaits` send without
 * waiting and register the wait that the completion events resume (CollectSend, VerifySend), then
 * read the outcome once (Collect, Verify).
 */
export const ssmCommandPorts: PortFactory = {
  provides: ['commands'],
  create: (env) => {
    const outputBucket = requiredEnvironment(env, ENV.evidenceBucket);
    const runner = new SsmCommandRunner(new SSMClient({}), {
        ...ssmRunnerSettingsFrom(env), outputBucket, outputPrefix: 'ssm-output', s3: new S3Client({}), deadline: invocationDeadline,
        // Without the rule (a stack without it, a test) no event comes: poll instead of waiting for the deadline.
        ...(env[SSM_RUNNER_ENV.completionByEvent] === '1' ? { completions: stateTableCompletions(env) } : {}),
    });
    const waits = new DynamoDbCommandWaits(documentClient(), requiredEnvironment(env, ENV.stateTable), { now: () => new Date() });
    return { commands: runner, deferredCommands: runner, commandWaits: waits };
  },
};
