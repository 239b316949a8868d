/**
 * The built bundles behave, not just weigh less: every handler is bundled as it deploys
 * (buildLambda, with the SDK barrel plugin that points imports past the SDK's barrels; the build
 * bundle-size.test.ts weighs, shared through test/support/handler-builds.ts), and
 * - each bundle's cold start loads in a fresh node process and exports a handler;
 * - AcquireLock's bundle (DynamoDB only) takes the lock in dynalite, and reaches it in adaptive
 *   retry mode too, whose strategy loads from its own chunk on the first request (sdk-lazy-imports.ts);
 * - RemediateStep's bundle, on a report step, loads its SNS chunk (the AwsQuery/XML protocol the
 *   plugin moved out of the eager chunk) and its EventBridge chunk (JSON 1.1), and both speak
 *   their wire protocol to a loopback server that answers as the services do;
 * - CollectSend's and Collect's bundles speak SSM's JSON 1.1 to a loopback server, where each
 *   command registers only the errors its operation models (sdk-operation-errors.ts): an error
 *   SendCommand does not model (ThrottlingException) is still retried by name, one
 *   GetCommandInvocation models (InvocationDoesNotExist) is still recognised, and Powertools'
 *   idempotency still knows DynamoDB's ConditionalCheckFailedException (by `instanceof`) on a
 *   retried Task in dynalite;
 * - the bundles carry the JMESPath stand-in (jmespath-unused.ts, whose `search` throws) and the
 *   LRU cache stand-in (endpoint-lru-cache.ts) in place of the packages (bundle-size.test.ts checks
 *   which packages a bundle holds): CollectSend's retries above, answered or not from the record,
 *   prove nothing evaluates JMESPath, and every DynamoDB client these runs build (AcquireLock,
 *   CollectSend) constructs the stand-in's cache from the bundle.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRY_FILE } from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { EVENT_HANDLERS, TASK_HANDLER_FILES } from '../../../lambdas/handlers/environment.js';
import { handlerBuild } from '../../support/handler-builds.js';
import {
  afterPlanInput,
  deployedEnvironment,
  event,
  type LambdaHandler,
  lambdaContext,
  LocalDynamo,
  LocalS3,
  REPORT_STEP_DONE,
  reportStepInput,
  setEnvironment,
} from './lambda-harness.js';

const HANDLERS = [
  ...Object.values(TASK_HANDLER_FILES),
  'approve.ts',
  ...Object.values(EVENT_HANDLERS).map((h) => h.file),
];

/** Each handler's build folder (shared with the other test files: never written to here). */
const buildDirs = new Map<string, string>();
const dynamo = new LocalDynamo();
const s3 = new LocalS3();
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void = () => undefined;

/** What the loopback SNS/EventBridge server received: the target (or Action) and the body. */
const received: { api: string; body: string }[] = [];
let services: Server;
let servicesUrl = '';

const bundleOf = (file: string): string => join(buildDirs.get(file)!, LAMBDA_ENTRY_FILE);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** What the collector printed (a bundle of a healthy host), as GetCommandInvocation returns it. */
const COLLECTOR_OUTPUT = readFileSync(
  join(REPO_ROOT, 'test/integration/workflow/fixtures/healthy-host.json'),
  'utf8',
);

/**
 * SSM as the service answers (JSON 1.1): SendCommand is throttled once, then gives c-1, c-2...;
 * GetCommandInvocation finds c-1 finished and c-2 not registered yet; CancelCommand succeeds.
 */
function answerSsm(operation: string, body: string, response: ServerResponse): void {
  const sends = received.filter((r) => r.api === 'SendCommand').length;
  const { CommandId, InstanceId } = JSON.parse(body) as Record<string, string>;
  const answer = (): [number, unknown] => {
    if (operation === 'SendCommand')
      return sends === 1
        ? [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }]
        : [200, { Command: { CommandId: `c-${sends - 1}`, Status: 'Pending' } }];
    if (operation === 'GetCommandInvocation' && CommandId === 'c-1')
      return [
        200,
        {
          CommandId,
          InstanceId,
          Status: 'Success',
          StatusDetails: 'Success',
          ResponseCode: 0,
          StandardOutputContent: COLLECTOR_OUTPUT,
          StandardErrorContent: '',
        },
      ];
    if (operation === 'GetCommandInvocation')
      return [400, { __type: 'com.amazonaws.ssm#InvocationDoesNotExist', message: 'not yet' }];
    if (operation === 'CancelCommand') return [200, {}];
    return [400, { __type: 'ValidationException', message: `unexpected ${operation}` }];
  };
  const [status, payload] = answer();
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(payload));
}

/** SNS Publish (AwsQuery, XML answer), EventBridge PutEvents and SSM (JSON 1.1), as the services answer them. */
function startServices(): Promise<void> {
  services = createServer(async (request, response) => {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('AmazonSSM.')) {
      const operation = target.slice('AmazonSSM.'.length);
      received.push({ api: operation, body });
      answerSsm(operation, body, response);
      return;
    }
    if (target === 'AWSEvents.PutEvents') {
      received.push({ api: 'PutEvents', body });
      const entries = (JSON.parse(body) as { Entries: unknown[] }).Entries;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          FailedEntryCount: 0,
          Entries: entries.map((_, i) => ({ EventId: `event-${i}` })),
        }),
      );
      return;
    }
    const action = new URLSearchParams(body).get('Action');
    if (action === 'Publish') {
      received.push({ api: 'Publish', body });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
          '<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>' +
          '</ResponseMetadata></PublishResponse>',
      );
      return;
    }
    response.writeHead(400).end(`unexpected request ${target ?? action ?? request.url}`);
  });
  return new Promise((resolve) =>
    services.listen(0, '127.0.0.1', () => {
      const address = services.address();
      servicesUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      resolve();
    }),
  );
}

// Every handler's build (about 1 s each when the machine is quiet, none when another file of the
// run built it) and two local servers.
const SETUP_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  for (const [file, { dir }] of await Promise.all(
    HANDLERS.map(async (file) => [file, await handlerBuild(file)] as const),
  ))
    buildDirs.set(file, dir);
  await Promise.all([dynamo.start(), s3.start(), startServices()]);
  tables = await dynamo.tables();
}, SETUP_TIMEOUT_MS);
afterEach(() => {
  restore();
  received.length = 0;
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), s3.stop(), new Promise((r) => services.close(r))]);
});

async function importBundle(file: string): Promise<LambdaHandler> {
  const mod = (await import(/* @vite-ignore */ pathToFileURL(bundleOf(file)).href)) as {
    handler: LambdaHandler;
  };
  return mod.handler;
}

describe('built Lambda bundles', () => {
  it.each(HANDLERS)(
    '%s: the cold start loads in a fresh node process and exports a handler',
    async (file) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'const m = await import(process.argv[1]); console.log(typeof m.handler);',
          pathToFileURL(bundleOf(file)).href,
        ],
        { env: { ...process.env, ...deployedEnvironment(dynamo, tables) } },
      );
      expect(stdout.trim()).toBe('function');
    },
  );

  it('source maps name every source by a relative path: the asset (hashed by its output) is the same wherever the repository is checked out', () => {
    const absolute = HANDLERS.flatMap((file) => {
      const dir = join(bundleOf(file), '..');
      return readdirSync(dir)
        .filter((name) => name.endsWith('.map'))
        .flatMap((name) => {
          const { sources } = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
            sources: string[];
          };
          return sources.filter((s) => !s.startsWith('../')).map((s) => `${file} ${name}: ${s}`);
        });
    });
    expect(absolute).toEqual([]);
  });

  it('AcquireLock (DynamoDB only) takes the lock in dynalite and audits it', async () => {
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    const handler = await importBundle('acquire-lock.ts');

    const result = await handler(afterPlanInput(), lambdaContext('paramedic-AcquireLock'));

    expect(result).toMatchObject({ acquired: true, attempts: 1, gaveUp: false });
    const entries = await dynamo.auditEntries(tables.audit);
    expect(entries.map((e) => e.type)).toEqual(['locked']);
  });

  it('AcquireLock in adaptive retry mode loads the adaptive strategy on its first request (sdk-lazy-imports.ts) and reaches dynalite', async () => {
    // A fresh process: a client picks its retry strategy once, on its first request. A target of
    // its own, so the lock is free whatever the test above holds.
    const input = afterPlanInput();
    input.executionId = 'arn:aws:states:eu-west-1:1:execution:p:adaptive';
    input.state.intake.targets = [
      { id: 'i-0adaptive0000001', platform: 'docker', instanceId: 'i-0adaptive0000001' },
    ];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        [
          'const { handler } = await import(process.argv[1]);',
          'const context = { functionName: "paramedic-AcquireLock", awsRequestId: "adaptive-1",',
          '  getRemainingTimeInMillis: () => 60000 };',
          'const result = await handler(JSON.parse(process.argv[2]), context);',
          'console.log(JSON.stringify(result));',
        ].join('\n'),
        pathToFileURL(bundleOf('acquire-lock.ts')).href,
        JSON.stringify(input),
      ],
      {
        env: { ...process.env, ...deployedEnvironment(dynamo, tables), AWS_RETRY_MODE: 'adaptive' },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
      acquired: true,
      attempts: 1,
    });
  });

  it('RemediateStep on a report step loads its SNS and EventBridge chunks, which speak to the services', async () => {
    restore = setEnvironment(
      deployedEnvironment(dynamo, tables, {
        AWS_ENDPOINT_URL_SNS: servicesUrl,
        AWS_ENDPOINT_URL_EVENTBRIDGE: servicesUrl,
      }),
    );
    const handler = await importBundle('remediate-step.ts');

    const progress = await handler(reportStepInput(), lambdaContext('paramedic-RemediateStep'));

    expect(progress).toMatchObject(REPORT_STEP_DONE);
    expect(received.map((r) => r.api)).toEqual(['Publish', 'PutEvents']);
    const publish = new URLSearchParams(received[0]!.body);
    expect(publish.get('TopicArn')).toBe(
      'arn:aws:sns:eu-west-1:123456789012:paramedic-notifications',
    );
    const entry = JSON.parse(received[1]!.body).Entries[0];
    expect(JSON.parse(entry.Detail).status).toBe('remediated');
  });

  it("Escalate after a remediation that ran loads its rollback chunk (escalate.ts's import()), then notifies and publishes", async () => {
    restore = setEnvironment(
      deployedEnvironment(dynamo, tables, {
        AWS_ENDPOINT_URL_SNS: servicesUrl,
        AWS_ENDPOINT_URL_EVENTBRIDGE: servicesUrl,
      }),
    );
    const handler = await importBundle('escalate.ts');
    const input = reportStepInput();
    input.state.remediation = { nextStep: 1, ...REPORT_STEP_DONE, failed: true };

    const result = await handler(input, lambdaContext('paramedic-Escalate'));

    // A report step has no undo: the rollback ran (its chunk loaded) and found nothing to undo.
    expect(result).toMatchObject({
      notified: true,
      reason: expect.stringContaining('step failed'),
    });
    // The status event first, then the notification (escalate.ts).
    expect(received.map((r) => r.api)).toEqual(['PutEvents', 'Publish']);
  });

  it('CollectSend and Collect speak SSM; modelled and unmodelled errors and a retried Task behave as before', async () => {
    restore = setEnvironment(
      deployedEnvironment(dynamo, tables, {
        ...s3.environment(),
        AWS_ENDPOINT_URL_SSM: servicesUrl,
      }),
    );
    const send = await importBundle('collect-send.ts');
    const collect = await importBundle('collect.ts');
    const first = event('collect-one-docker-host');
    const second = JSON.parse(JSON.stringify(first).replaceAll('alarm-0001', 'alarm-0002'));
    const sendFor = (input: unknown) =>
      send({ ...(input as object), taskToken: 'token-1' }, lambdaContext('paramedic-CollectSend'));

    // SendCommand is throttled once (an error its operation does not model): the SDK retries it.
    const sent = await sendFor(first);
    // The same token again: Powertools finds its record through ConditionalCheckFailedException.
    const again = await sendFor(first);
    const collected = await collect(first, lambdaContext('paramedic-Collect'));
    // The second execution's command is not registered yet (InvocationDoesNotExist, modelled).
    await sendFor(second);
    const unfinished = await collect(second, lambdaContext('paramedic-Collect'));
    // A retried Task waits on a new token: not a retry of the record, it sends again.
    const resent = await send(
      { ...first, taskToken: 'token-2' },
      lambdaContext('paramedic-CollectSend'),
    );

    expect(sent).toEqual({ waiting: true, commands: 1 });
    expect(again).toEqual(sent);
    expect(received.map((r) => r.api)).toEqual([
      'SendCommand',
      'SendCommand',
      'GetCommandInvocation',
      'SendCommand',
      'GetCommandInvocation',
      'CancelCommand',
      'SendCommand',
    ]);
    expect(resent).toEqual({ waiting: true, commands: 1 });
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      DocumentName: 'Paramedic-CollectDockerHost',
      InstanceIds: ['i-0a1b2c3d4e5f60718'],
    });
    expect(collected).toMatchObject({
      collected: 1,
      failed: 0,
      evidence: [{ target: 'i-0a1b2c3d4e5f60718', status: 'Success', commandId: 'c-1' }],
    });
    expect(s3.puts).toContain('executions/alarm-0001/triage/i-0a1b2c3d4e5f60718.json');
    expect(unfinished).toMatchObject({
      collected: 0,
      evidence: [
        {
          status: 'TimedOut',
          commandId: 'c-2',
          error: expect.stringContaining('CancelCommand sent'),
        },
      ],
    });
  });
});
