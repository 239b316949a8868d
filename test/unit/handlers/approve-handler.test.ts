import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { presignCallerIdentity } from '../../../cli/aws/caller-identity-proof.js';
import { approvalBinding } from '../../../lambdas/core/workflow/approval-identity.js';
import { ENV } from '../../../lambdas/handlers/environment.js';
import { startFakeSts, type FakePrincipal, type FakeSts } from '../../support/fake-sts.js';
import {
  coldStart,
  deployedEnvironment,
  event,
  lambdaContext,
  LocalDynamo,
  setEnvironment,
  type LambdaHandler,
} from './lambda-harness.js';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const dynamo = new LocalDynamo();
const DECIDED_AT = new Date('2026-11-23T09:30:00.000Z');
const request = event<{ executionId: string; taskToken: string; state: Record<string, unknown> }>(
  'request-approval-disk-full',
);
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void;
let approve: LambdaHandler;

/** A Function URL request (payload format 2.0, AuthType AWS_IAM) as Lambda delivers it, from the recorded fixture. */
const URL_EVENT = event<{
  body: string;
  requestContext: { authorizer: { iam: { userArn: string; accessKey: string } } };
}>('approve-function-url');
const ALICE = URL_EVENT.requestContext.authorizer.iam.userArn;
const BOB = 'arn:aws:iam::123456789012:user/bob';

/** The principals STS knows: their keys sign the identity proof. */
const PRINCIPALS: Record<string, FakePrincipal> = {
  [ALICE]: {
    accessKeyId: URL_EVENT.requestContext.authorizer.iam.accessKey,
    secretAccessKey: 'alice-secret',
    sessionToken: 'alice-session',
    arn: ALICE,
  },
  [BOB]: { accessKeyId: 'AKIABOBEXAMPLE', secretAccessKey: 'bob-secret', arn: BOB },
};
let sts: FakeSts;

/** An identity proof as the CLI makes it: `by`'s keys presign GetCallerIdentity for the body's decision. */
async function proofFor(body: Record<string, unknown>, by: string): Promise<string> {
  const binding = approvalBinding({
    executionId: String(body.executionId),
    approved: body.approved === true,
  });
  return presignCallerIdentity({ credentials: PRINCIPALS[by]!, region: 'eu-west-1' }, binding);
}

/**
 * `body` POSTed to the approve URL, signed by `signer` (Lambda put the signer's ARN in requestContext),
 * with the identity proof the CLI adds (made by `proofBy`, the signer unless said; none when null).
 */
async function viaUrl(
  body: unknown,
  signer = ALICE,
  proofBy: string | null = signer,
): Promise<Record<string, unknown>> {
  const e = structuredClone(URL_EVENT) as unknown as Record<string, any>;
  const b = body as Record<string, unknown>;
  const decision =
    typeof b === 'object' && b !== null && typeof b.executionId === 'string' && proofBy
      ? { ...b, identityProof: await proofFor(b, proofBy) }
      : b;
  e.body = JSON.stringify(decision);
  e.requestContext.authorizer.iam.userArn = signer;
  return e;
}

/** The Function URL answer: status and parsed JSON body. */
function answered(response: unknown): { status: number; body: Record<string, unknown> } {
  const r = response as { statusCode: number; body: string; headers: Record<string, string> };
  expect(r.headers['content-type']).toBe('application/json');
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
}

/** RequestApproval runs first, as in the workflow: it stores the pending approval with its task token. */
async function approvalIsPending(): Promise<void> {
  const requestApproval = await coldStart('request-approval.ts');
  await requestApproval(request, lambdaContext('paramedic-RequestApproval'));
  approve = await coldStart('approve.ts');
}

beforeAll(async () => {
  await dynamo.start();
  sts = await startFakeSts(Object.values(PRINCIPALS));
});
afterAll(async () => {
  await dynamo.stop();
  await sts.stop();
});
beforeEach(async () => {
  sfn.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables));
  vi.useFakeTimers({ toFake: ['Date'], now: DECIDED_AT });
  // The function checks the identity proof with STS over fetch: routed to the local STS.
  vi.stubGlobal('fetch', sts.fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  restore();
});

describe('approve handler', () => {
  it('records the IAM principal Lambda authenticated for the URL request as the approver', async () => {
    // Prepare
    await approvalIsPending();

    // Act: the fixture as a Function URL delivers it, its body carrying the CLI's identity proof.
    const delivered = {
      ...URL_EVENT,
      body: JSON.stringify({
        ...JSON.parse(URL_EVENT.body),
        identityProof: await proofFor(JSON.parse(URL_EVENT.body), ALICE),
      }),
    };
    const { status, body } = answered(await approve(delivered, lambdaContext('paramedic-Approve')));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      executionId: request.executionId,
      approved: true,
      approver: 'arn:aws:sts::123456789012:assumed-role/Ops/alice',
      at: DECIDED_AT.toISOString(),
    });
    const [call] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(call!.args[0].input.taskToken).toBe(request.taskToken);
    expect(JSON.parse(call!.args[0].input.output!)).toEqual({
      approved: true,
      approver: ALICE,
      at: DECIDED_AT.toISOString(),
    });
  });

  it('resumes the waiting execution with SendTaskSuccess on its stored token, carrying the comment', async () => {
    await approvalIsPending();

    const { status, body } = answered(
      await approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
    );

    expect(status).toBe(200);
    expect(body).toEqual({
      executionId: request.executionId,
      approved: true,
      approver: ALICE,
      at: DECIDED_AT.toISOString(),
      comment: 'disk cleanup is fine during business hours',
    });
    expect(
      JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!),
    ).toMatchObject({ approver: ALICE, comment: 'disk cleanup is fine during business hours' });
  });

  it('sends a rejection as the decision (approved: false), which RecordApproval records; never SendTaskFailure', async () => {
    await approvalIsPending();

    const { body } = answered(
      await approve(
        await viaUrl(event('approve-rejected'), BOB),
        lambdaContext('paramedic-Approve'),
      ),
    );

    expect(body).toMatchObject({ approved: false, approver: BOB, at: DECIDED_AT.toISOString() });
    expect(
      JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!),
    ).toMatchObject({ approved: false, approver: BOB });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('the decision, fed to RecordApproval as the task output, is recorded with the authenticated approver and when', async () => {
    // Prepare
    await approvalIsPending();
    expect(
      answered(
        await approve(
          await viaUrl(event('approve-rejected'), BOB),
          lambdaContext('paramedic-Approve'),
        ),
      ).status,
    ).toBe(200);
    const decision = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!);
    const recordApproval = await coldStart('record-approval.ts');

    // Act: the state machine stores the SendTaskSuccess output at $.approval and runs RecordApproval.
    await recordApproval(
      { executionId: request.executionId, state: { ...request.state, approval: decision } },
      lambdaContext('paramedic-RecordApproval'),
    );

    // Assess
    const item = await dynamo.doc.send(
      new GetCommand({ TableName: tables.state, Key: { pk: 'approval#manual-0001' } }),
    );
    expect(item.Item?.value).toMatchObject({
      status: 'rejected',
      decidedBy: BOB,
      decidedAt: DECIDED_AT.toISOString(),
    });
    const entry = (await dynamo.auditEntries(tables.audit)).find((e) => e.type === 'approval');
    expect(entry).toMatchObject({ actor: `user:${BOB}`, at: DECIDED_AT.toISOString() });
    expect(JSON.parse(entry!.data)).toMatchObject({
      approved: false,
      approver: BOB,
      comment: 'not during the release freeze',
    });
  });

  it('records the verified decision in the state table before it resumes the task', async () => {
    // Prepare: SendTaskSuccess looks at the state table when it is called.
    await approvalIsPending();
    let recordedWhenResumed: unknown;
    sfn.on(SendTaskSuccessCommand).callsFake(async () => {
      recordedWhenResumed = (
        await dynamo.doc.send(
          new GetCommand({ TableName: tables.state, Key: { pk: 'approval-decision#manual-0001' } }),
        )
      ).Item?.value;
      return {};
    });

    // Act
    answered(
      await approve(
        await viaUrl(event('approve-rejected'), BOB),
        lambdaContext('paramedic-Approve'),
      ),
    );

    // Assess
    expect(recordedWhenResumed).toEqual({
      executionId: request.executionId,
      approved: false,
      approver: BOB,
      at: DECIDED_AT.toISOString(),
      comment: 'not during the release freeze',
    });
  });

  it('RecordApproval refuses a task output no approve call verified (a direct SendTaskSuccess naming alice): a rejection by system', async () => {
    // Prepare: the token is readable (execution history, the approval item); someone resumes it directly.
    await approvalIsPending();
    const forged = { approved: true, approver: ALICE, at: DECIDED_AT.toISOString() };

    // Act
    const decided = await (await coldStart('record-approval.ts'))(
      { executionId: request.executionId, state: { ...request.state, approval: forged } },
      lambdaContext('paramedic-RecordApproval'),
    );

    // Assess: nothing in alice's name; the run goes on as rejected, and later answers find it closed.
    expect(decided).toMatchObject({ approved: false, approver: 'system' });
    const entry = (await dynamo.auditEntries(tables.audit)).find((e) => e.type === 'approval');
    expect(entry?.actor).toBe('system');
    expect(JSON.parse(entry!.data).refused).toEqual({
      claimed: { approved: true, approver: ALICE },
      reason: expect.stringMatching(
        /^approval refused: the task was resumed with "approve by .*alice" but the approve function recorded no decision for this execution; someone allowed states:SendTaskSuccess resumed it directly/,
      ),
    });
    expect(
      answered(
        await approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
      ),
    ).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining('no pending approval') },
    });
  });

  it('a resume that failed after the decision was recorded: the same answer retried resumes with the first record; another answer is refused', async () => {
    // Prepare: the first SendTaskSuccess is throttled after the decision is recorded.
    await approvalIsPending();
    sfn
      .on(SendTaskSuccessCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({});
    await expect(
      approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
    ).rejects.toMatchObject({ name: 'ThrottlingException' });

    // Act: bob answers the other way; alice retries a minute later.
    const bob = answered(
      await approve(
        await viaUrl(event('approve-rejected'), BOB),
        lambdaContext('paramedic-Approve'),
      ),
    );
    vi.setSystemTime(new Date(DECIDED_AT.getTime() + 60_000));
    const retried = answered(
      await approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
    );

    // Assess: bob changed nothing; alice's retry resumed with her first, recorded decision.
    expect(bob).toMatchObject({
      status: 409,
      body: {
        error: expect.stringContaining(
          `was already decided: approved by ${ALICE} at ${DECIDED_AT.toISOString()}; a second decision is refused`,
        ),
      },
    });
    expect(retried).toMatchObject({
      status: 200,
      body: { approved: true, approver: ALICE, at: DECIDED_AT.toISOString() },
    });
    const outputs = sfn
      .commandCalls(SendTaskSuccessCommand)
      .map((c) => JSON.parse(c.args[0].input.output!));
    expect(outputs).toHaveLength(2);
    expect(outputs[1]).toEqual(outputs[0]);
  });

  it('refuses a body that names another approver than the signer; the audit then shows only the signer', async () => {
    // Prepare
    await approvalIsPending();

    // Act: alice signs a body claiming to be bob.
    const forged = answered(
      await approve(
        await viaUrl({
          ...event<Record<string, unknown>>('approve-approved'),
          approver: 'bob@example.com',
        }),
        lambdaContext('paramedic-Approve'),
      ),
    );

    // Assess: refused before anything is resumed; a body repeating the signer is accepted.
    expect(forged.status).toBe(403);
    expect(forged.body.error).toContain(
      `approver "bob@example.com" is not the signer of this request (${ALICE})`,
    );
    expect(sfn.calls()).toHaveLength(0);
    const honest = answered(
      await approve(
        await viaUrl({ ...event<Record<string, unknown>>('approve-approved'), approver: ALICE }),
        lambdaContext('paramedic-Approve'),
      ),
    );
    expect(honest).toMatchObject({ status: 200, body: { approver: ALICE } });
    const decision = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!);
    await (await coldStart('record-approval.ts'))(
      { executionId: request.executionId, state: { ...request.state, approval: decision } },
      lambdaContext('paramedic-RecordApproval'),
    );
    const actors = (await dynamo.auditEntries(tables.audit))
      .filter((e) => e.type === 'approval')
      .map((e) => e.actor);
    expect(actors).toEqual([`user:${ALICE}`]);
  });

  it('a hand-crafted URL event (a direct Invoke) cannot approve as someone else: STS names who made the proof', async () => {
    await approvalIsPending();

    // Act: alice (allowed lambda:InvokeFunction) invokes with a URL-shaped event that says bob signed it.
    const asBob = answered(
      await approve(
        await viaUrl(event('approve-approved'), BOB, ALICE),
        lambdaContext('paramedic-Approve'),
      ),
    );
    const noProof = answered(
      await approve(
        await viaUrl(event('approve-approved'), BOB, null),
        lambdaContext('paramedic-Approve'),
      ),
    );
    // A proof alice made to reject is replayed to approve.
    const replayed = await viaUrl(event('approve-approved'));
    const body = JSON.parse(replayed.body as string);
    replayed.body = JSON.stringify({
      ...body,
      identityProof: await proofFor({ ...body, approved: false }, ALICE),
    });
    const flipped = answered(await approve(replayed, lambdaContext('paramedic-Approve')));

    // Assess: nothing resumed; each refusal says why.
    expect(asBob).toMatchObject({
      status: 403,
      body: {
        error: expect.stringContaining(
          `the identity proof was made by ${ALICE}, not by the signer of this request (${BOB})`,
        ),
      },
    });
    expect(noProof).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining('identityProof is required') },
    });
    expect(flipped).toMatchObject({
      status: 403,
      body: {
        error: expect.stringContaining(
          'STS did not accept the identity proof (HTTP 403, SignatureDoesNotMatch)',
        ),
      },
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a direct Invoke (no requestContext: nobody authenticated), whatever approver it names', async () => {
    await approvalIsPending();

    for (const direct of [
      event('approve-approved'),
      { ...event<Record<string, unknown>>('approve-approved'), approver: 'alice@example.com' },
    ]) {
      await expect(approve(direct, lambdaContext('paramedic-Approve'))).rejects.toMatchObject({
        name: 'ApprovalRequestError',
        message: expect.stringMatching(
          /only through its function URL \(stack output ApproveUrl\).*paramedic approve\|reject <execution> --aws/,
        ),
      });
    }
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a URL request without an IAM principal (AuthType NONE), a GET, and a body that is not JSON', async () => {
    await approvalIsPending();
    const unauthenticated = (await viaUrl(event('approve-approved'))) as Record<string, any>;
    delete unauthenticated.requestContext.authorizer;
    const get = (await viaUrl(event('approve-approved'))) as Record<string, any>;
    get.requestContext.http.method = 'GET';

    expect(
      answered(await approve(unauthenticated, lambdaContext('paramedic-Approve'))),
    ).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining('must use AuthType AWS_IAM') },
    });
    expect(answered(await approve(get, lambdaContext('paramedic-Approve')))).toMatchObject({
      status: 405,
    });
    expect(
      answered(
        await approve(
          { ...(await viaUrl({})), body: '{"executionId":' },
          lambdaContext('paramedic-Approve'),
        ),
      ),
    ).toMatchObject({ status: 400, body: { error: 'the request body is not JSON' } });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('reads a base64-encoded body as Function URLs may deliver it', async () => {
    await approvalIsPending();
    const plain = await viaUrl(event('approve-approved'));
    const encoded = {
      ...plain,
      isBase64Encoded: true,
      body: Buffer.from(plain.body as string).toString('base64'),
    };

    expect(answered(await approve(encoded, lambdaContext('paramedic-Approve')))).toMatchObject({
      status: 200,
      body: { approver: ALICE },
    });
  });

  it('refuses a token supplied by the caller: only the stored token is ever used', async () => {
    await approvalIsPending();

    const { status, body } = answered(
      await approve(
        await viaUrl(event('approve-with-forged-token')),
        lambdaContext('paramedic-Approve'),
      ),
    );

    expect(status).toBe(400);
    expect(body.error).toContain('taskToken is not accepted');
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['approve-unknown-execution', 'no approval was ever requested'],
    ['approve-other-state-machine', 'same execution name, another state machine'],
  ])('refuses %s (%s): there is no pending token for it', async (fixture) => {
    await approvalIsPending();

    const { status, body } = answered(
      await approve(await viaUrl(event(fixture)), lambdaContext('paramedic-Approve')),
    );

    expect(status).toBe(409);
    expect(body.error).toContain('no pending approval for');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a second decision once RecordApproval has closed the request', async () => {
    await approvalIsPending();
    answered(
      await approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
    );
    const decision = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!);
    const recordApproval = await coldStart('record-approval.ts');
    await recordApproval(
      { executionId: request.executionId, state: { ...request.state, approval: decision } },
      lambdaContext('paramedic-RecordApproval'),
    );
    approve = await coldStart('approve.ts');

    expect(
      answered(
        await approve(
          await viaUrl(event('approve-rejected'), BOB),
          lambdaContext('paramedic-Approve'),
        ),
      ),
    ).toMatchObject({ status: 409 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it.each([
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
  ])(
    'turns Step Functions %s for the stored token into a readable refusal',
    async (name, error) => {
      await approvalIsPending();
      sfn.on(SendTaskSuccessCommand).rejects(error);

      const { status, body } = answered(
        await approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
      );

      expect(status).toBe(409);
      expect(body.error).toContain(
        `no longer waits on the approval of ${request.executionId} (${name})`,
      );
    },
  );

  it('rejects a malformed request before reading anything', async () => {
    approve = await coldStart('approve.ts');

    expect(
      answered(
        await approve(
          await viaUrl(event('approve-approved-as-string')),
          lambdaContext('paramedic-Approve'),
        ),
      ),
    ).toEqual({ status: 400, body: { error: 'approved must be true or false' } });
    expect(
      answered(
        await approve(
          await viaUrl({ ...event<Record<string, unknown>>('approve-approved'), aproved: true }),
          lambdaContext('paramedic-Approve'),
        ),
      ),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('unknown field aproved') },
    });
  });

  it('fails with a HandlerEnvironmentError when the state table is not configured', async () => {
    restore();
    restore = setEnvironment({
      ...deployedEnvironment(dynamo, tables),
      [ENV.stateTable]: undefined,
    });
    approve = await coldStart('approve.ts');

    await expect(
      approve(await viaUrl(event('approve-approved')), lambdaContext('paramedic-Approve')),
    ).rejects.toMatchObject({
      name: 'HandlerEnvironmentError',
      message: expect.stringContaining(`${ENV.stateTable} is not set; redeploy the pipeline stack`),
    });
  });
});
