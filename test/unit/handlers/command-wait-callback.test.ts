/**
 * SSM completion as a Step Functions callback, end to end on the AWS side: the send half
 * (sendAndRegister over the SSM runner, the DynamoDB wait store and the SFN callback) and the real
 * CommandCompleted handler (cold-started, on dynalite), with SSM and Step Functions mocked
 * (aws-sdk-client-mock: no local server exists for either). The last event resumes the Task once;
 * duplicates and a closed token are harmless; an event that comes before its command is
 * registered is not lost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDbCommandWaits } from '../../../lambdas/adapters/dynamodb/dynamodb-command-waits.js';
import { DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { SSM_RUNNER_ENV } from '../../../lambdas/adapters/ssm/ssm-runner-environment.js';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import { StepFunctionsTaskCallback } from '../../../lambdas/adapters/stepfunctions/task-callback.js';
import { sendAndRegister } from '../../../lambdas/core/workflow/waited-commands.js';
import {
  coldStart,
  deployedEnvironment,
  lambdaContext,
  LocalDynamo,
  setEnvironment,
  type LambdaHandler,
} from './lambda-harness.js';

const EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/events/ssm-command-status-change.json'),
    'utf8',
  ),
);
const statusEvent = (commandId: string, status = 'Success') => ({
  ...EVENT,
  detail: { ...EVENT.detail, 'command-id': commandId, status },
});
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:run-1';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf1ZdlS0example';
const targets = (n: number) =>
  Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
const commandId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const dynamo = new LocalDynamo();
const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
let restore: () => void = () => undefined;
let completed: LambdaHandler;
let ports: { state: DynamoDbStateStore; commandWaits: DynamoDbCommandWaits };
let seq: number;
/** Events SSM delivers while SendCommand is still returning (before the sender registers). */
let early: (id: string) => Promise<void>;

beforeAll(async () => {
  await dynamo.start();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  const tables = await dynamo.tables();
  restore = setEnvironment(
    deployedEnvironment(dynamo, tables, { [SSM_RUNNER_ENV.documentPrefix]: 'Paramedic-prod-' }),
  );
  completed = await coldStart('command-completed.ts');
  const clock = { now: () => new Date() };
  ports = {
    state: new DynamoDbStateStore(dynamo.doc, tables.state, clock),
    commandWaits: new DynamoDbCommandWaits(dynamo.doc, tables.state, clock),
  };
  seq = 0;
  early = async () => undefined;
  ssm.reset();
  sfn.reset();
  ssm.on(SendCommandCommand).callsFake(async () => {
    const id = commandId(++seq);
    await early(id);
    return { Command: { CommandId: id } };
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
});
afterEach(() => restore());

/** CollectSend's half on AWS: 120 targets = 3 SendCommands of ≤ 50, then the wait registered. */
async function send() {
  const runner = new SsmCommandRunner(new SSMClient({ region: 'eu-west-1' }), {
    outputBucket: 'evidence',
    s3: { getText: async () => undefined },
    documentPrefix: 'Paramedic-prod-',
  });
  return sendAndRegister(
    {
      ...ports,
      commands: runner,
      deferredCommands: runner,
      taskCallback: new StepFunctionsTaskCallback(new SFNClient({ region: 'eu-west-1' })),
    },
    { now: () => new Date() },
    [
      {
        document: 'Paramedic-CollectDockerHost',
        parameters: {},
        targets: targets(120),
        timeoutSeconds: 600,
      },
    ],
    { executionId: EXECUTION, phase: 'triage', taskToken: TOKEN, waitSeconds: 720 },
  );
}
const deliver = (id: string, status?: string) =>
  completed(statusEvent(id, status), lambdaContext('CommandCompleted')) as Promise<
    Record<string, unknown>
  >;
const resumes = () =>
  sfn.commandCalls(SendTaskSuccessCommand).map((c) => ({
    token: c.args[0].input.taskToken,
    output: JSON.parse(c.args[0].input.output!),
  }));

describe('CommandCompleted resumes the waiting Task', () => {
  it("the last command's event resumes the Task, once; the earlier ones only count", async () => {
    expect(await send()).toEqual({ waiting: true, commands: 3 });
    expect(
      ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds!.length),
    ).toEqual([50, 50, 20]);

    expect(await deliver(commandId(2))).toMatchObject({ wait: 'pending' });
    expect(await deliver(commandId(1), 'Failed')).toMatchObject({ wait: 'pending' });
    expect(resumes()).toEqual([]);
    expect(await deliver(commandId(3), 'TimedOut')).toMatchObject({ wait: 'resumed' });

    expect(resumes()).toEqual([
      { token: TOKEN, output: { phase: 'triage', commands: 3, resumedBy: 'event' } },
    ]);
  });

  it('a redelivered event counts nothing and resumes nothing again', async () => {
    await send();
    await deliver(commandId(1));
    await deliver(commandId(1));
    await deliver(commandId(2));
    expect(resumes()).toEqual([]);
    await deliver(commandId(3));
    expect(await deliver(commandId(3))).toMatchObject({ marked: true, wait: 'pending' });
    expect(resumes()).toHaveLength(1);
  });

  it('a Task that already timed out is not an error: the token is gone', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await send();
    await deliver(commandId(1));
    await deliver(commandId(2));
    expect(await deliver(commandId(3))).toMatchObject({ wait: 'gone' });
  });

  it('an event before its command is registered is not lost: the sender counts it from the mark', async () => {
    // Command 1 finishes (and its event is handled) before SendCommand even returned.
    early = async (id) => {
      if (id === commandId(1)) expect(await deliver(id)).toMatchObject({ wait: 'unregistered' });
    };
    expect(await send()).toEqual({ waiting: true, commands: 3 });
    await deliver(commandId(2));
    expect(resumes()).toEqual([]);
    await deliver(commandId(3));
    expect(resumes()).toEqual([
      { token: TOKEN, output: { phase: 'triage', commands: 3, resumedBy: 'event' } },
    ]);
  });

  it('when every event came first, the sender resumes the Task itself', async () => {
    early = async (id) => {
      await deliver(id);
    };
    expect(await send()).toEqual({ phase: 'triage', commands: 3, resumedBy: 'sender' });
    expect(resumes()).toEqual([
      { token: TOKEN, output: { phase: 'triage', commands: 3, resumedBy: 'sender' } },
    ]);
    // A late redelivery after the sender resumed: nothing pending, nothing resumed twice.
    expect(await deliver(commandId(3))).toMatchObject({ wait: 'pending' });
    expect(resumes()).toHaveLength(1);
  });

  it("ignores events that are not a terminal status of this deployment's documents", async () => {
    await send();
    expect(await deliver(commandId(1), 'InProgress')).toEqual({ marked: false });
    expect(resumes()).toEqual([]);
  });
});
