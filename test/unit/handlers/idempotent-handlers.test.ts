import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAuditTable } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import {
  acceptAllEvents,
  coldStart,
  deployedEnvironment,
  event,
  EVIDENCE_BUCKET,
  lambdaContext,
  LocalDynamo,
  LocalS3,
  reportStepInput,
  setEnvironment,
} from './lambda-harness.js';

const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const dynamo = new LocalDynamo();
const s3 = new LocalS3();
const healthyHost = readFileSync(
  join(import.meta.dirname, '..', '..', 'integration', 'workflow', 'fixtures', 'healthy-host.json'),
  'utf8',
);
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void;

beforeAll(() => Promise.all([dynamo.start(), s3.start()]));
afterAll(() => Promise.all([dynamo.stop(), s3.stop()]));
beforeEach(async () => {
  ssm.reset();
  s3.puts.length = 0;
  sns.reset();
  tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables, s3.environment()));
});
afterEach(() => restore());

function collectorSucceeds(): void {
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
  ssm.on(GetCommandInvocationCommand).resolves({
    Status: 'Success',
    StatusDetails: 'Success',
    ResponseCode: 0,
    StandardOutputContent: healthyHost,
    StandardErrorContent: '',
  });
}

/** CollectSend's invocation by Step Functions (waitForTaskToken): the payload carries the task token. */
async function sendCollector(
  input: Record<string, unknown>,
  taskToken = 'token-1',
): Promise<unknown> {
  const send = await coldStart('collect-send.ts');
  return send({ ...input, taskToken }, lambdaContext('paramedic-CollectSend', `send-${taskToken}`));
}

describe('collect-send handler (idempotent on retry of the same token)', () => {
  it('sends the collector document to SSM with its output going to the evidence bucket, registers the wait and returns', async () => {
    collectorSucceeds();
    const result = await sendCollector(event('collect-one-docker-host'));

    expect(result).toEqual({ waiting: true, commands: 1 });
    expect(ssm.commandCalls(SendCommandCommand)[0]!.args[0].input).toMatchObject({
      DocumentName: 'Paramedic-CollectDockerHost',
      InstanceIds: ['i-0a1b2c3d4e5f60718'],
      OutputS3BucketName: 'paramedic-evidence-123456789012',
    });
    // Nothing is read while the Task waits.
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
    const state = (await dynamo.doc.send(new ScanCommand({ TableName: tables.state }))).Items ?? [];
    expect(state.map((i) => i.pk).sort()).toEqual(['ssm-cmd#c-1', 'ssm-wait#alarm-0001#triage']);
  });

  it('a retry with the same token does not send again; a new token (a retried Task) does', async () => {
    collectorSucceeds();
    const input = event('collect-one-docker-host');
    await sendCollector(input, 'token-1');
    await sendCollector(input, 'token-1');
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    await sendCollector(input, 'token-2');
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(2);
  });
});

describe('collect handler (idempotent on retry)', () => {
  it('a retried invocation returns the stored result without reading the commands again', async () => {
    // Prepare
    collectorSucceeds();
    const input = event('collect-one-docker-host');
    await sendCollector(input);
    const handler = await coldStart('collect.ts');

    // Act: Step Functions retries the Task after, say, a Lambda timeout that came after the work finished.
    const first = await handler(input, lambdaContext('paramedic-Collect', 'request-1'));
    const retry = await handler(input, lambdaContext('paramedic-Collect', 'request-2'));

    // Assess
    expect(first).toMatchObject({
      collected: 1,
      failed: 0,
      evidence: [{ target: 'i-0a1b2c3d4e5f60718', status: 'Success', commandId: 'c-1' }],
    });
    expect(retry).toEqual(first);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(1);
    expect(s3.puts.filter((key) => key.startsWith('executions/'))).toHaveLength(1);
    expect(
      (await dynamo.auditEntries(tables.audit)).filter((e) => e.type === 'collected'),
    ).toHaveLength(1);
    const records =
      (await dynamo.doc.send(new ScanCommand({ TableName: tables.idempotency }))).Items ?? [];
    // One record for CollectSend, one for Collect: both completed.
    expect(records.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it("stores the bundle it read under the execution's triage prefix", async () => {
    collectorSucceeds();
    await sendCollector(event('collect-one-docker-host'));
    const handler = await coldStart('collect.ts');

    await handler(event('collect-one-docker-host'), lambdaContext('paramedic-Collect'));

    expect(s3.puts).toContain('executions/alarm-0001/triage/i-0a1b2c3d4e5f60718.json');
    const stored = await fetch(
      `${s3.endpoint}/${EVIDENCE_BUCKET}/executions/alarm-0001/triage/i-0a1b2c3d4e5f60718.json`,
    );
    expect(await stored.json()).toMatchObject({ schema: 'paramedic.evidence/v1' });
  });

  it('another execution on the same host is not a retry: it collects again', async () => {
    collectorSucceeds();
    const input = event<{ executionId: string }>('collect-one-docker-host');
    const other = { ...input, executionId: `${input.executionId}-b` };
    await sendCollector(input);
    await sendCollector(other);
    const handler = await coldStart('collect.ts');

    await handler(input, lambdaContext('paramedic-Collect', 'request-1'));
    await handler(other, lambdaContext('paramedic-Collect', 'request-2'));

    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(2);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(2);
  });

  it('a failed first attempt is not stored: the retry does the work', async () => {
    // Prepare: the audit table is unavailable during the first attempt (the append fails after the read).
    collectorSucceeds();
    const input = event('collect-one-docker-host');
    await sendCollector(input);
    const handler = await coldStart('collect.ts');
    await dynamo.raw.send(new DeleteTableCommand({ TableName: tables.audit }));

    // Act
    const failure = await handler(input, lambdaContext('paramedic-Collect', 'request-1')).catch(
      (e: Error) => e,
    );
    await createAuditTable(dynamo.raw, tables.audit);
    const retry = await handler(input, lambdaContext('paramedic-Collect', 'request-2'));

    // Assess
    expect(failure).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(retry).toMatchObject({ collected: 1 });
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(2);
    expect((await dynamo.auditEntries(tables.audit)).map((e) => e.type)).toEqual(['collected']);
  });
});

describe('request-approval handler (idempotent on retry)', () => {
  it('notifies approvers once and keeps the task token for the approver', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await coldStart('request-approval.ts');
    const input = event<{ taskToken: string }>('request-approval-disk-full');

    // Act
    const first = await handler(input, lambdaContext('paramedic-RequestApproval', 'request-1'));
    const retry = await handler(input, lambdaContext('paramedic-RequestApproval', 'request-2'));

    // Assess
    expect(first).toEqual({ requested: true });
    expect(retry).toEqual(first);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(published).toMatchObject({
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:paramedic-notifications',
      Subject: expect.stringContaining('approval needed: disk-full'),
    });
    expect(JSON.parse(published.Message!)).toMatchObject({
      executionId: expect.any(String),
      answer: {
        approve: expect.stringMatching(/^npx paramedic approve '.+' --aws /),
        reject: expect.stringMatching(/^npx paramedic reject '.+' --aws /),
      },
      plan: { steps: [{ action: 'journal-vacuum' }] },
      evidence: [{ target: 'i-0a1b2c3d4e5f60718' }],
    });
    // The e-mail never carries the task token (it stays in the pending approval only).
    expect(published.Message).not.toContain(input.taskToken);
    const state = (await dynamo.doc.send(new ScanCommand({ TableName: tables.state }))).Items ?? [];
    expect(state).toEqual([
      expect.objectContaining({
        pk: 'approval#manual-0001',
        value: expect.objectContaining({ status: 'pending', taskToken: input.taskToken }),
      }),
    ]);
  });
});

describe('remediate-step handler (idempotent per step of the loop)', () => {
  it('a retried step returns its first result; the next step of the loop is not a retry', async () => {
    // Prepare: a plan of two report steps (each notifies once, changes nothing).
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    acceptAllEvents();
    const input = reportStepInput();
    input.state.plan.steps.push({ ...input.state.plan.steps[0], index: 1 });
    const handler = await coldStart('remediate-step.ts');
    const context = lambdaContext('paramedic-RemediateStep');

    // Act
    const first = await handler(input, context);
    const retry = await handler(input, context);
    const next = { ...input, state: { ...input.state, remediation: first } };
    const second = await handler(next, context);

    // Assess
    expect(first).toMatchObject({ nextStep: 1, done: false });
    expect(retry).toEqual(first);
    expect(second).toMatchObject({ nextStep: 2, done: true });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect((await dynamo.auditEntries(tables.audit)).filter((e) => e.type === 'step')).toHaveLength(
      2,
    );
  });
});

describe('complete handler (an attempt that timed out)', () => {
  it("a retry after the Lambda's remaining time runs the Task again instead of waiting for the record to expire", async () => {
    // Prepare: the first attempt hangs in Publish past its Lambda's remaining time, as a timeout leaves it.
    let publishing: () => void = () => undefined;
    const reachedPublish = new Promise<void>((resolve) => (publishing = resolve));
    sns
      .on(PublishCommand)
      .callsFakeOnce(() => {
        publishing();
        return new Promise(() => undefined);
      })
      .resolves({ MessageId: 'm-2' });
    acceptAllEvents();
    const handler = await coldStart('complete.ts');
    const input = event<Record<string, unknown>>('request-approval-disk-full');
    const timingOut = {
      ...lambdaContext('paramedic-Complete', 'request-1'),
      getRemainingTimeInMillis: () => 20,
    };
    // middy ends the invocation as Lambda would (timeoutEarly); the step itself never returns.
    const attempt = handler(input, timingOut).catch((error: Error) => error);
    await reachedPublish;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await attempt).toMatchObject({ name: 'TimeoutError' });

    // Act
    const retry = handler(input, lambdaContext('paramedic-Complete', 'request-2'));

    // Assess: the in-progress record expired with the first attempt's time, not after 24 hours.
    await expect(retry).resolves.toBeDefined();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});
