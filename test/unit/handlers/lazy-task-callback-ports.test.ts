/**
 * CollectSend resumes its own Task only when every command finished before it registered the wait
 * (their completion events came first); the Step Functions client for that rare resume loads on it
 * (lazy-task-callback-ports.ts), not at the cold start (bundle-size.test.ts). The real handlers,
 * cold-started as Lambda loads them, on dynalite; SSM and Step Functions are aws-sdk-client-mock
 * (no local server exists for either), which patches the client the lazy import loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  coldStart,
  deployedEnvironment,
  event,
  lambdaContext,
  LocalDynamo,
  LocalS3,
  setEnvironment,
  type LambdaHandler,
} from './lambda-harness.js';

const STATUS_EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/events/ssm-command-status-change.json'),
    'utf8',
  ),
);
const COMMAND_ID = '00000000-0000-4000-8000-000000000001';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf1ZdlS0lazy';

const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
const dynamo = new LocalDynamo();
const s3 = new LocalS3();
let restore: () => void = () => undefined;
let completed: LambdaHandler;
/** Whether SSM's completion event overtakes the sender: handled while SendCommand is still returning. */
let eventFirst = false;

beforeAll(() => Promise.all([dynamo.start(), s3.start()]));
afterAll(() => Promise.all([dynamo.stop(), s3.stop()]));
beforeEach(async () => {
  const tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables, s3.environment()));
  completed = await coldStart('command-completed.ts');
  ssm.reset();
  sfn.reset();
  eventFirst = false;
  ssm.on(SendCommandCommand).callsFake(async (input: { DocumentName?: string }) => {
    if (eventFirst)
      await completed(
        {
          ...STATUS_EVENT,
          detail: {
            ...STATUS_EVENT.detail,
            'command-id': COMMAND_ID,
            'document-name': input.DocumentName,
          },
        },
        lambdaContext('paramedic-CommandCompleted'),
      );
    return { Command: { CommandId: COMMAND_ID } };
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
});
afterEach(() => restore());

async function sendCollector(): Promise<unknown> {
  const send = await coldStart('collect-send.ts');
  return send(
    { ...event<Record<string, unknown>>('collect-one-docker-host'), taskToken: TOKEN },
    lambdaContext('paramedic-CollectSend'),
  );
}

describe('CollectSend: the Step Functions client loads on the path that resumes the Task', () => {
  it('when the command finished before the wait was registered, the sender resumes the Task itself', async () => {
    eventFirst = true;
    expect(await sendCollector()).toEqual({ phase: 'triage', commands: 1, resumedBy: 'sender' });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      {
        taskToken: TOKEN,
        output: JSON.stringify({ phase: 'triage', commands: 1, resumedBy: 'sender' }),
      },
    ]);
  });

  it('on the usual path (the command still runs) it registers the wait and resumes nothing', async () => {
    expect(await sendCollector()).toEqual({ waiting: true, commands: 1 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
