/** The `commands` port: the project's SSM documents, full output read back from the evidence bucket. */
import { SSMClient } from '@aws-sdk/client-ssm';
import { LocatedCommandRunner } from '../../adapters/ssm/located-command-runner.js';
import { SsmCommandRunner } from '../../adapters/ssm/ssm-command-runner.js';
import { OWN_CREDENTIALS, type LocatedClientConfig } from '../../adapters/sts/spoke-credentials.js';
import {
  SPOKE_ENV,
  spokeOutputBucketName,
  type AccountRegion,
} from '../../adapters/sts/spoke-role.js';
import { credentialsProviderFrom } from './spoke-credentials.js';
import {
  SSM_RUNNER_ENV,
  ssmRunnerSettingsFrom,
} from '../../adapters/ssm/ssm-runner-environment.js';
import { DynamoDbCommandWaits } from '../../adapters/dynamodb/dynamodb-command-waits.js';
import { DynamoDbStateStore } from '../../adapters/dynamodb/dynamodb-state-store.js';
import {
  commandDoneKey,
  type CommandCompletions,
} from '../../core/collection/command-completion.js';
import { documentClient, requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { invocationDeadline } from '../invocation-deadline.js';
import { s3ObjectsFrom } from './s3-objects.js';

/** Completion marks the CommandCompleted Lambda writes to the state table (lambdas/handlers/command-completed.ts). */
function stateTableCompletions(env: NodeJS.ProcessEnv): CommandCompletions {
  const state = new DynamoDbStateStore(documentClient(), requiredEnvironment(env, ENV.stateTable), {
    now: () => new Date(),
  });
  return {
    isDone: async (commandId) => (await state.get(commandDoneKey(commandId))) !== undefined,
  };
}

/**
 * The runner of a spoke account/region: SSM and S3 with the spoke role's credentials, full output
 * from the spoke's own bucket, completion by polling (the spoke's SSM events stay in the spoke).
 */
function spokeRunner(
  env: NodeJS.ProcessEnv,
  config: LocatedClientConfig,
  location: AccountRegion,
): SsmCommandRunner {
  const outputBucket = spokeOutputBucketName(
    env[SPOKE_ENV.deployment] || undefined,
    location.account,
    location.region,
  );
  return new SsmCommandRunner(new SSMClient(config), {
    ...ssmRunnerSettingsFrom(env),
    outputBucket,
    outputPrefix: 'ssm-output',
    s3: s3ObjectsFrom(env, config),
    deadline: invocationDeadline,
  });
}

/**
 * SSM Run Command (SSM + S3 clients). `commands` runs to the end, waiting for completion marks
 * (RemediateStep, Plan's dry runs, Escalate); `deferredCommands` and `commandWaits` send without
 * waiting and register the wait that the completion events resume (CollectSend, VerifySend), then
 * read the outcome once (Collect, Verify). With spokes configured, `commands` sends each target's
 * command in its own account/region and there is no `deferredCommands`: a spoke's SSM events stay
 * in the spoke, so the send Tasks run their commands to completion (polling) and resume themselves.
 */
export const ssmCommandPorts: PortFactory = {
  provides: ['commands'],
  create: (env) => {
    const outputBucket = requiredEnvironment(env, ENV.evidenceBucket);
    const own = new SsmCommandRunner(new SSMClient({}), {
      ...ssmRunnerSettingsFrom(env),
      outputBucket,
      outputPrefix: 'ssm-output',
      s3: s3ObjectsFrom(env),
      deadline: invocationDeadline,
      // Without the rule (a stack without it, a test) no event comes: poll instead of waiting for the deadline.
      ...(env[SSM_RUNNER_ENV.completionByEvent] === '1'
        ? { completions: stateTableCompletions(env) }
        : {}),
    });
    const waits = new DynamoDbCommandWaits(
      documentClient(),
      requiredEnvironment(env, ENV.stateTable),
      { now: () => new Date() },
    );
    const credentials = credentialsProviderFrom(env);
    if (credentials === OWN_CREDENTIALS)
      return { commands: own, deferredCommands: own, commandWaits: waits };
    return {
      commands: new LocatedCommandRunner((location) =>
        !location || credentials.isHub(location)
          ? own
          : spokeRunner(env, credentials.clientConfigFor(location), location),
      ),
      commandWaits: waits,
    };
  },
};
