/**
 * `paramedic run|approve|reject --aws` and the stack-output lookup behind every `--aws` command:
 * CloudFormation, Step Functions, Lambda and STS through aws-sdk-client-mock (no local server
 * exists for them); the approve URL as a local HTTP server on 127.0.0.1 that checks the SigV4
 * signature. Asserts the exact requests each sends and the one-line errors operators see.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerApprovalOnAws, executionArnOf } from '../../../cli/aws/approve-on-aws.js';
import { regionOfFunctionUrl } from '../../../cli/aws/signed-post.js';
import { AwsSession } from '../../../cli/aws/aws-session.js';
import { DeployedStack, deploymentOfStackFlag } from '../../../cli/aws/deployed-stack.js';
import { startRunOnAws } from '../../../cli/aws/run-on-aws.js';
import { ApprovalRequestError, parseApproveRequest } from '../../../lambdas/handlers/approve.js';
import { verifyCallerIdentityProof } from '../../../lambdas/adapters/sts/caller-identity-proof.js';
import { approvalBinding } from '../../../lambdas/core/workflow/approval-identity.js';
import { startFakeSts } from '../../support/fake-sts.js';
import { parseManualInput } from '../../../lambdas/core/workflow/manual-input.js';

const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const all = [cfn, sfn, lambda, sts];

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ParamedicWorkflow';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Ops/alice@example.test';
const PIPELINE_OUTPUTS = [
  { OutputKey: 'StateMachineArn', OutputValue: MACHINE },
  { OutputKey: 'ApproveFunctionName', OutputValue: 'ParamedicPipeline-Approve1A2B3C' },
  { OutputKey: 'EventBusName', OutputValue: 'paramedic' },
];

function deployed(
  stacks: Record<
    string,
    { status?: string; outputs?: { OutputKey: string; OutputValue: string }[] }
  >,
): void {
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
    const s = stacks[input.StackName];
    if (!s)
      throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), {
        name: 'ValidationError',
      });
    return {
      Stacks: [
        {
          StackName: input.StackName,
          StackStatus: s.status ?? 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: s.outputs ?? [],
        },
      ],
    };
  });
}

const session = (stack?: string) =>
  new AwsSession({ region: 'eu-west-1', ...(stack ? { stack } : {}) });
const totalCalls = () => all.reduce((n, m) => n + m.calls().length, 0);

beforeEach(() => {
  for (const m of all) m.reset();
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Arn: CALLER, Account: '123456789012', UserId: 'AROAX:alice' });
});
afterAll(() => {
  for (const m of all) m.restore();
});

describe('--stack names a deployment', () => {
  it('takes a deployment name or either stack name; nothing means the unnamed deployment', () => {
    expect(deploymentOfStackFlag(undefined)).toBeUndefined();
    expect(deploymentOfStackFlag('ParamedicPipeline')).toBeUndefined();
    expect(deploymentOfStackFlag('prod')).toBe('prod');
    expect(deploymentOfStackFlag('ParamedicPipeline-prod')).toBe('prod');
    expect(deploymentOfStackFlag('ParamedicState-prod')).toBe('prod');
  });

  it('rejects what no deployment can be called, as a usage error', () => {
    expect(() => deploymentOfStackFlag('Prod_1')).toThrow(
      expect.objectContaining({
        usage: true,
        message: expect.stringContaining('--stack must be a deployment name'),
      }),
    );
  });
});

describe('DeployedStack: names from the stack outputs', () => {
  it('describes only the stack holding the output, once, by its deployment-qualified name', async () => {
    deployed({ 'ParamedicPipeline-prod': { outputs: PIPELINE_OUTPUTS } });
    const stack = new DeployedStack(new CloudFormationClient({ region: 'eu-west-1' }), 'prod');
    expect(await stack.output('StateMachineArn')).toBe(MACHINE);
    expect(await stack.output('ApproveFunctionName')).toBe('ParamedicPipeline-Approve1A2B3C');
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'ParamedicPipeline-prod' },
    ]);
  });

  it('a missing stack says to deploy, or which deployment and region to name', async () => {
    deployed({});
    const stack = new DeployedStack(
      new CloudFormationClient({ region: 'eu-west-1' }),
      undefined,
      'region eu-west-1',
    );
    const error = await stack.output('AuditTableName').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'DeployedStackError', usage: false });
    expect((error as Error).message).toBe(
      'stack ParamedicState does not exist in region eu-west-1: deploy with "npx cdk deploy --all", or name your deployment with --stack <deploymentName> (or $PARAMEDIC_STACK) and the region with --region',
    );
  });

  it('a missing output of a finished stack says to redeploy, or which flag overrides it', async () => {
    deployed({
      ParamedicState: { outputs: [{ OutputKey: 'AuditTableName', OutputValue: 'audit' }] },
    });
    const stack = new DeployedStack(new CloudFormationClient({ region: 'eu-west-1' }), undefined);
    await expect(stack.output('EvidenceBucketName', '--bucket <name>')).rejects.toThrow(
      'stack ParamedicState has no output EvidenceBucketName (status UPDATE_COMPLETE): it was deployed by an older Paramedic; redeploy with "npx cdk deploy --all", or pass --bucket <name>',
    );
  });

  it('a stack still deploying or rolled back says to let it finish or fix it', async () => {
    for (const status of ['CREATE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']) {
      cfn.reset();
      deployed({ ParamedicPipeline: { status } });
      const stack = new DeployedStack(new CloudFormationClient({ region: 'eu-west-1' }), undefined);
      await expect(stack.output('StateMachineArn')).rejects.toThrow(
        `stack ParamedicPipeline has no output StateMachineArn (status ${status}): wait for its deployment to finish, or fix it and run "npx cdk deploy --all"`,
      );
    }
  });

  it('an error reaching CloudFormation says to check credentials and region', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
      }),
    );
    const stack = new DeployedStack(
      new CloudFormationClient({ region: 'eu-west-1' }),
      undefined,
      'region eu-west-1',
    );
    await expect(stack.output('StateMachineArn')).rejects.toThrow(
      'could not read stack ParamedicPipeline in region eu-west-1 (UnrecognizedClientException: The security token included in the request is invalid.); check your AWS credentials and region (--region)',
    );
  });
});

describe('paramedic run --aws', () => {
  it('starts the deployed state machine with the manual input the Intake accepts, claimed by the IAM caller', async () => {
    deployed({ ParamedicPipeline: { outputs: PIPELINE_OUTPUTS } });
    sfn.on(StartExecutionCommand).resolves({
      executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:abc`,
      startDate: new Date(),
    });
    const result = await startRunOnAws(session(), {
      runbookId: 'disk-full',
      target: 'i-0a1b2c3d4e5f60718',
      mode: 'execute',
    });
    expect(result).toEqual({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:abc',
      status: 'RUNNING',
    });
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start!.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      input: JSON.stringify({
        runbookId: 'disk-full',
        target: 'i-0a1b2c3d4e5f60718',
        mode: 'execute',
        invokedBy: CALLER,
      }),
    });
    // What the Intake Lambda will do with it: the same parser accepts it unchanged.
    expect(parseManualInput(JSON.parse(start!.args[0].input.input!))).toEqual({
      runbookId: 'disk-full',
      target: 'i-0a1b2c3d4e5f60718',
      mode: 'execute',
      invokedBy: CALLER,
    });
  });

  it("rejects bad input with the Intake parser's one-line message before any AWS call", async () => {
    deployed({ ParamedicPipeline: { outputs: PIPELINE_OUTPUTS } });
    const error = await startRunOnAws(session(), {
      runbookId: 'Disk Full',
      target: 'i-0a1b2c3d4e5f60718',
      mode: 'dry-run',
    }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ManualInputError' });
    expect((error as Error).message).toMatch(
      /^manual run input, field "runbookId": required: a runbook id in kebab-case/,
    );
    expect((error as Error).message).not.toContain('\n');
    await expect(
      startRunOnAws(session(), { runbookId: 'disk-full', target: '$(reboot)', mode: 'dry-run' }),
    ).rejects.toThrow(/field "target"/);
    expect(totalCalls()).toBe(0);
  });

  it('with --wait polls DescribeExecution until the execution ends and reports its outcome', async () => {
    deployed({ ParamedicPipeline: { outputs: PIPELINE_OUTPUTS } });
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:abc';
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({
        executionArn: arn,
        status: 'RUNNING',
        stateMachineArn: MACHINE,
        startDate: new Date(),
      })
      .resolvesOnce({
        executionArn: arn,
        status: 'RUNNING',
        stateMachineArn: MACHINE,
        startDate: new Date(),
      })
      .resolves({
        executionArn: arn,
        status: 'SUCCEEDED',
        stateMachineArn: MACHINE,
        startDate: new Date(),
        output: JSON.stringify({ completion: { outcome: 'dry-run', runbookId: 'disk-full' } }),
      });
    const slept: number[] = [];
    const result = await startRunOnAws(
      session(),
      { runbookId: 'disk-full', target: 'i-0a1b2c3d4e5f60718', mode: 'dry-run' },
      {
        pollMs: 5000,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
    expect(result).toEqual({ executionArn: arn, status: 'SUCCEEDED', outcome: 'dry-run' });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual(
      Array(3).fill({ executionArn: arn }),
    );
    expect(slept).toEqual([5000, 5000]);
  });

  it('with --wait reports a failed execution with its error', async () => {
    deployed({ ParamedicPipeline: { outputs: PIPELINE_OUTPUTS } });
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:abc';
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: arn,
      status: 'FAILED',
      stateMachineArn: MACHINE,
      startDate: new Date(),
      error: 'States.Timeout',
      cause: 'too slow',
    });
    expect(
      await startRunOnAws(
        session(),
        { runbookId: 'disk-full', target: 'i-0a1b2c3d4e5f60718', mode: 'dry-run' },
        { pollMs: 1000, sleep: async () => {} },
      ),
    ).toEqual({ executionArn: arn, status: 'FAILED', error: 'States.Timeout: too slow' });
  });

  it('a stack without the state machine output fails with the operator-actionable line, starting nothing', async () => {
    deployed({ ParamedicPipeline: { outputs: [] } });
    await expect(
      startRunOnAws(session(), {
        runbookId: 'disk-full',
        target: 'i-0a1b2c3d4e5f60718',
        mode: 'dry-run',
      }),
    ).rejects.toThrow('stack ParamedicPipeline has no output StateMachineArn');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('paramedic approve|reject --aws', () => {
  // The approve function URL, played by a local server: it records each request and answers as told.
  const KEY = { accessKeyId: 'AKIDPARAMEDICTEST', secretAccessKey: 'paramedic-test-secret' };
  const received: {
    headers: IncomingMessage['headers'];
    method: string;
    url: string;
    body: string;
  }[] = [];
  let reply: { status: number; body: string } = { status: 200, body: '{}' };
  let server: Server;
  let approveUrl: string;
  const savedEnv = { ...process.env };
  const outputs = () => [...PIPELINE_OUTPUTS, { OutputKey: 'ApproveUrl', OutputValue: approveUrl }];

  beforeAll(async () => {
    // The default credential chain reads the environment first: no profile, no AWS call.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    approveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    process.env = savedEnv;
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  /** Recomputes the SigV4 signature of a received request with the test key, as Lambda does for AuthType AWS_IAM. */
  async function expectedAuthorization(r: (typeof received)[number]): Promise<string> {
    const signedNames = /SignedHeaders=([^,]+)/
      .exec(String(r.headers.authorization))![1]!
      .split(';');
    const headers = Object.fromEntries(signedNames.map((h) => [h, String(r.headers[h])]));
    const amzDate = String(r.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const url = new URL(approveUrl);
    const request = new HttpRequest({
      method: r.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: r.url,
      headers,
      body: r.body,
    });
    const signed = await new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      credentials: KEY,
      sha256: Hash.bind(null, 'sha256'),
    }).sign(request, { signingDate });
    return String(signed.headers.authorization);
  }

  it('POSTs {executionId, approved, comment, identityProof} to the ApproveUrl output, SigV4-signed for service lambda, and sends no approver', async () => {
    // Prepare
    deployed({ 'ParamedicPipeline-prod': { outputs: outputs() } });
    const decision = {
      executionId: 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:abc',
      approved: true,
      approver: CALLER,
      at: '2026-12-02T15:00:00.000Z',
      comment: 'disk checked',
    };
    reply = { status: 200, body: JSON.stringify(decision) };

    // Act
    const answer = await answerApprovalOnAws(session('prod'), 'abc', true, 'disk checked');

    // Assess
    expect(answer).toEqual(decision);
    const [request] = received;
    expect(received).toHaveLength(1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDPARAMEDICTEST\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*\bhost\b[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    // The signature verifies over what actually arrived (host with its port, body), as Lambda checks it.
    expect(request!.headers.authorization).toBe(await expectedAuthorization(request!));
    const { identityProof, ...body } = JSON.parse(request!.body);
    expect(body).toEqual({
      executionId: decision.executionId,
      approved: true,
      comment: 'disk checked',
    });
    // The approve function's own validation accepts exactly this body and takes the approver from the signer.
    expect(parseApproveRequest({ ...body, identityProof }, CALLER)).toEqual({
      ...body,
      identityProof,
      approver: CALLER,
    });
    // The identity proof is the same credentials' presigned GetCallerIdentity, bound to this decision: STS names the caller.
    const fakeSts = await startFakeSts([{ ...KEY, arn: CALLER }]);
    try {
      await expect(
        verifyCallerIdentityProof(identityProof, approvalBinding(body), {
          region: 'eu-west-1',
          now: new Date(),
          fetch: fakeSts.fetch,
        }),
      ).resolves.toBe(CALLER);
    } finally {
      await fakeSts.stop();
    }
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('reject sends approved:false; an execution ARN or an approval id names the execution', async () => {
    deployed({ ParamedicPipeline: { outputs: outputs() } });
    reply = {
      status: 200,
      body: JSON.stringify({ approved: false, approver: CALLER, at: '2026-12-02T15:00:00.000Z' }),
    };
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:run-7';

    await answerApprovalOnAws(session(), arn, false);
    await answerApprovalOnAws(session(), 'approval#run-7', false);

    expect(received.map((r) => JSON.parse(r.body))).toEqual([
      {
        executionId: arn,
        approved: false,
        identityProof: expect.stringMatching(/^https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?/),
      },
      { executionId: arn, approved: false, identityProof: expect.any(String) },
    ]);
    expect(executionArnOf('run-7', MACHINE)).toBe(arn);
  });

  it.each([
    [
      409,
      '{"error":"no pending approval for arn:x; it may have been decided or timed out"}',
      'the approve function refused: no pending approval for arn:x; it may have been decided or timed out',
    ],
    [
      403,
      '{"Message":"Forbidden"}',
      'the approve URL refused your credentials (HTTP 403: Forbidden): approvers need lambda:InvokeFunctionUrl and lambda:InvokeFunction',
    ],
    [
      502,
      'Internal Server Error',
      'the approve function failed (HTTP 502): Internal Server Error; see its log group',
    ],
  ])(
    'an HTTP %i answer comes back as one line, a failure (exit 1), not a usage error',
    async (status, body, message) => {
      deployed({ ParamedicPipeline: { outputs: outputs() } });
      reply = { status, body };

      const error = await answerApprovalOnAws(session(), 'abc', true).catch((e: Error) => e);

      expect(error).toMatchObject({
        name: 'AwsApprovalError',
        usage: false,
        message: expect.stringContaining(message),
      });
    },
  );

  it('an id that names no execution is a usage error before any call; a stack without the URL says so', async () => {
    await expect(answerApprovalOnAws(session(), 'not an id', true)).rejects.toMatchObject({
      usage: true,
      message: expect.stringContaining('is not an execution'),
    });
    expect(totalCalls()).toBe(0);
    deployed({ ParamedicPipeline: { outputs: PIPELINE_OUTPUTS } });
    await expect(answerApprovalOnAws(session(), 'abc', true)).rejects.toThrow(
      'stack ParamedicPipeline has no output ApproveUrl',
    );
    expect(received).toHaveLength(0);
  });

  it('the approve function refuses an executionId that is no execution ARN with a 400 naming it, before any header or STS call is built from it', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:Wf:4f1c';
    expect(parseApproveRequest({ executionId: arn, approved: true }, CALLER).executionId).toBe(arn);
    for (const executionId of [`${arn}\nX-Injected: 1`, `${arn}\u2603`, '4f1c', 'approval#4f1c']) {
      let error: unknown;
      try {
        parseApproveRequest({ executionId, approved: true }, CALLER);
      } catch (e) {
        error = e;
      }
      expect(error, executionId).toBeInstanceOf(ApprovalRequestError);
      expect((error as Error).message).toMatch(/^executionId ".*" is not an execution ARN/);
      expect((error as Error).message).not.toMatch(/[\n\u2603]/);
    }
  });

  it('signs for the region the function URL names', () => {
    expect(
      regionOfFunctionUrl(
        new URL('https://abcdefghij0123456789klmnopqrstuv.lambda-url.ap-southeast-2.on.aws/'),
      ),
    ).toBe('ap-southeast-2');
    expect(regionOfFunctionUrl(new URL('http://127.0.0.1:8080/'))).toBeUndefined();
  });
});
