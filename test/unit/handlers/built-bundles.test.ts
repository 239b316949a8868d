/**
 * The built bundles behave, not just weigh less: every handler is bundled as it deploys
 * (buildLambda, with the SDK barrel plugin that points imports past the SDK's barrels), and
 * - each bundle's cold start loads in a fresh node process and exports a handler;
 * - AcquireLock's bundle (DynamoDB only) takes the lock in dynalite;
 * - RemediateStep's bundle, on a report step, loads its SNS chunk (the AwsQuery/XML protocol the
 *   plugin moved out of the eager chunk) and its EventBridge chunk (JSON 1.1), and both speak
 *   their wire protocol to a loopback server that answers as the services do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda, LAMBDA_ENTRY_FILE } from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { EVENT_HANDLERS, TASK_HANDLER_FILES } from '../../../lambdas/handlers/environment.js';
import {
  afterPlanInput,
  deployedEnvironment,
  type LambdaHandler,
  lambdaContext,
  LocalDynamo,
  REPORT_STEP_DONE,
  reportStepInput,
  setEnvironment,
} from './lambda-harness.js';

const HANDLERS = [
  ...Object.values(TASK_HANDLER_FILES),
  'approve.ts',
  ...Object.values(EVENT_HANDLERS).map((h) => h.file),
];

const out = mkdtempSync(join(tmpdir(), 'paramedic-built-bundles-'));
const dynamo = new LocalDynamo();
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void = () => undefined;

/** What the loopback SNS/EventBridge server received: the target (or Action) and the body. */
const received: { api: string; body: string }[] = [];
let services: Server;
let servicesUrl = '';

const bundleOf = (file: string): string => join(out, file.replace(/\.ts$/, ''), LAMBDA_ENTRY_FILE);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** SNS Publish (AwsQuery, XML answer) and EventBridge PutEvents (JSON 1.1), as the services answer them. */
function startServices(): Promise<void> {
  services = createServer(async (request, response) => {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
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

// Every handler's build (about 1 s each when the machine is quiet) and two local servers.
const SETUP_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  for (const file of HANDLERS)
    await buildLambda(REPO_ROOT, `lambdas/handlers/${file}`, join(bundleOf(file), '..'));
  await Promise.all([dynamo.start(), startServices()]);
  tables = await dynamo.tables();
}, SETUP_TIMEOUT_MS);
afterEach(() => restore());
afterAll(async () => {
  await Promise.all([dynamo.stop(), new Promise((r) => services.close(r))]);
  rmSync(out, { recursive: true, force: true });
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

  it('AcquireLock (DynamoDB only) takes the lock in dynalite and audits it', async () => {
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    const handler = await importBundle('acquire-lock.ts');

    const result = await handler(afterPlanInput(), lambdaContext('paramedic-AcquireLock'));

    expect(result).toMatchObject({ acquired: true, attempts: 1, gaveUp: false });
    const entries = await dynamo.auditEntries(tables.audit);
    expect(entries.map((e) => e.type)).toEqual(['locked']);
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
});
