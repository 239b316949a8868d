import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../../lambdas/handlers/environment.js';
import { coldStart, deployedEnvironment, event, lambdaContext, LocalDynamo, setEnvironment, type LambdaHandler } from './lambda-harness.js';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const dynamo = new LocalDynamo();
const DECIDED_AT = new Date('2026-11-23T09:30:00.000Z');
const request = event<{ executionId: string; taskToken: string; state: Record<string, unknown> }>('request-approval-disk-full');
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void;
let approve: LambdaHandler;

/** RequestApproval runs first, as in the workflow: it stores the pending approval with its task token. */
async function approvalIsPending(): Promise<void> {
  const requestApproval = await coldStart('request-approval.ts');
  await requestApproval(request, lambdaContext('paramedic-RequestApproval'));
  approve = await coldStart('approve.ts');
}

beforeAll(() => dynamo.start());
afterAll(() => dynamo.stop());
beforeEach(async () => {
  sfn.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables));
  vi.useFakeTimers({ toFake: ['Date'], now: DECIDED_AT });
});
afterEach(() => {
  vi.useRealTimers();
  restore();
});

describe('approve handler', () => {
  it('resumes the waiting execution with SendTaskSuccess on its stored token, carrying who approved and when', async () => {
    // Prepare
    await approvalIsPending();

    // Act
    const decision = await approve(event('approve-approved'), lambdaContext('paramedic-Approve'));

    // Assess
    expect(decision).toEqual({ approved: true, approver: 'alice@example.com', at: DECIDED_AT.toISOString(), comment: 'disk cleanup is fine during business hours' });
    const [call] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(call!.args[0].input.taskToken).toBe(request.taskToken);
    expect(JSON.parse(call!.args[0].input.output!)).toEqual(decision);
  });

  it('sends a rejection as the decision (approved: false), which RecordApproval records; never SendTaskFailure', async () => {
    await approvalIsPending();

    const decision = await approve(event('approve-rejected'), lambdaContext('paramedic-Approve'));

    expect(decision).toMatchObject({ approved: false, approver: 'bob@example.com', at: DECIDED_AT.toISOString() });
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toMatchObject({ approved: false, approver: 'bob@example.com' });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('the decision, fed to RecordApproval as the task output, is recorded with who and when', async () => {
    // Prepare
    await approvalIsPending();
    const decision = await approve(event('approve-rejected'), lambdaContext('paramedic-Approve'));
    const recordApproval = await coldStart('record-approval.ts');

    // Act: the state machine stores the SendTaskSuccess output at $.approval and runs RecordApproval.
    await recordApproval({ executionId: request.executionId, state: { ...request.state, approval: decision } }, lambdaContext('paramedic-RecordApproval'));

    // Assess
    const item = await dynamo.doc.send(new GetCommand({ TableName: tables.state, Key: { pk: 'approval#manual-0001' } }));
    expect(item.Item?.value).toMatchObject({ status: 'rejected', decidedBy: 'bob@example.com', decidedAt: DECIDED_AT.toISOString() });
    const entry = (await dynamo.auditEntries(tables.audit)).find((e) => e.type === 'approval');
    expect(entry).toMatchObject({ actor: 'user:bob@example.com', at: DECIDED_AT.toISOString() });
    expect(JSON.parse(entry!.data)).toMatchObject({ approved: false, approver: 'bob@example.com', comment: 'not during the release freeze' });
  });

  it('refuses a token supplied by the caller: only the stored token is ever used', async () => {
    await approvalIsPending();

    await expect(approve(event('approve-with-forged-token'), lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
      name: 'ApprovalRequestError', message: expect.stringContaining('taskToken is not accepted'),
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['approve-unknown-execution', 'no approval was ever requested'],
    ['approve-other-state-machine', 'same execution name, another state machine'],
  ])('refuses %s (%s): there is no pending token for it', async (fixture) => {
    await approvalIsPending();

    await expect(approve(event(fixture), lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
      name: 'ApprovalRequestError', message: expect.stringContaining('no pending approval for'),
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a second decision once RecordApproval has closed the request', async () => {
    await approvalIsPending();
    const decision = await approve(event('approve-approved'), lambdaContext('paramedic-Approve'));
    const recordApproval = await coldStart('record-approval.ts');
    await recordApproval({ executionId: request.executionId, state: { ...request.state, approval: decision } }, lambdaContext('paramedic-RecordApproval'));
    approve = await coldStart('approve.ts');

    await expect(approve(event('approve-rejected'), lambdaContext('paramedic-Approve'))).rejects.toMatchObject({ name: 'ApprovalRequestError' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it.each([
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
  ])('turns Step Functions %s for the stored token into a readable ApprovalRequestError', async (name, error) => {
    await approvalIsPending();
    sfn.on(SendTaskSuccessCommand).rejects(error);

    const failure = await approve(event('approve-approved'), lambdaContext('paramedic-Approve')).catch((e: Error) => e);

    expect(failure).toMatchObject({ name: 'ApprovalRequestError', message: expect.stringContaining(`no longer waits on the approval of ${request.executionId} (${name})`) });
    expect((failure as Error).cause).toBe(error);
  });

  it('rejects a malformed request before reading anything', async () => {
    approve = await coldStart('approve.ts');

    await expect(approve(event('approve-approved-as-string'), lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
      name: 'ApprovalRequestError', message: 'approved must be true or false',
    });
    await expect(approve({ ...event<Record<string, unknown>>('approve-approved'), aproved: true }, lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
      message: expect.stringContaining('unknown field aproved'),
    });
  });

  it('fails with a HandlerEnvironmentError when the state table is not configured', async () => {
    restore();
    restore = setEnvironment({ ...deployedEnvironment(dynamo, tables), [ENV.stateTable]: undefined });
    approve = await coldStart('approve.ts');

    await expect(approve(event('approve-approved'), lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
      name: 'HandlerEnvironmentError', message: expect.stringContaining(`${ENV.stateTable} is not set; redeploy the pipeline stack`),
    });
  });
});
