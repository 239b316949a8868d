/**
 * Invokes the deployed Lambda entry points (`lambdas/handlers/*.ts`) the way Lambda does: a JSON
 * event and a Context, with the environment CDK sets. DynamoDB is dynalite on 127.0.0.1 (the
 * handlers find it through `AWS_ENDPOINT_URL_DYNAMODB`, so the SDK speaks the real wire protocol,
 * conditional writes included). S3 is s3rver on 127.0.0.1 where a test starts {@link LocalS3} (the
 * handlers find it through `AWS_ENDPOINT_URL_S3`); the other services are mocked per test with
 * aws-sdk-client-mock.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { vi } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EVENT_BUS_ENV } from '../../../lambdas/adapters/eventbridge/event-publisher.js';
import {
  createAuditTable,
  createStateTable,
} from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { AUDIT_TABLE, IDEMPOTENCY_TABLE } from '../../../lambdas/adapters/dynamodb/table-layout.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { writeRunbookJson } from '../../../lambdas/adapters/local/runbook-json-writer.js';
import { ENV } from '../../../lambdas/handlers/environment.js';

let runbooksJson: string | undefined;
/** runbooks/*.yaml compiled the way the bundling step compiles them (once per test file). */
function compiledRunbooks(): string {
  runbooksJson ??= writeRunbookJson(join(REPO_ROOT, 'runbooks'));
  return runbooksJson;
}

const EVENTS = join(import.meta.dirname, '..', '..', 'fixtures', 'events');

/** A fixture from test/fixtures/events/, parsed (a fresh copy each call). */
export function event<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(EVENTS, `${name}.json`), 'utf8')) as T;
}

/** The Context Lambda passes (Powertools reads the name, request id and remaining time from it). */
export function lambdaContext(
  functionName: string,
  requestId = 'c6af9ac6-7b61-11e6-9a41-93e812345678',
): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What a Lambda entry point looks like from outside. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Imports a handler file fresh (module state such as the cached ports and Powertools instances is
 * per cold start, so each test gets its own), after the environment is in place.
 */
export async function coldStart(file: string): Promise<LambdaHandler> {
  vi.resetModules();
  const url = pathToFileURL(join(REPO_ROOT, 'lambdas', 'handlers', file)).href;
  const mod = (await import(/* @vite-ignore */ url)) as { handler: LambdaHandler };
  return mod.handler;
}

/** A dynalite server and the tables of one deployment. */
export class LocalDynamo {
  private server: any;
  private n = 0;
  raw!: DynamoDBClient;
  doc!: DynamoDBDocumentClient;
  endpoint = '';

  async start(): Promise<void> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${this.server.address().port}`;
    this.raw = new DynamoDBClient({
      endpoint: this.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.doc = DynamoDBDocumentClient.from(this.raw);
  }

  async stop(): Promise<void> {
    this.raw.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Fresh audit, state and idempotency tables; returns their names. */
  async tables(): Promise<{ audit: string; state: string; idempotency: string }> {
    const i = ++this.n;
    const names = { audit: `audit-${i}`, state: `state-${i}`, idempotency: `idempotency-${i}` };
    await createAuditTable(this.raw, names.audit);
    await createStateTable(this.raw, names.state);
    await this.raw.send(
      new CreateTableCommand({
        TableName: names.idempotency,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      }),
    );
    return names;
  }

  /** The audit trail's entries (every execution's chain), in time order and chain order within an execution. */
  async auditEntries(table: string): Promise<Record<string, any>[]> {
    const out = await this.doc.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#pk, :prefix) AND #seq > :anchor',
        ExpressionAttributeNames: { '#pk': AUDIT_TABLE.partitionKey, '#seq': AUDIT_TABLE.sortKey },
        ExpressionAttributeValues: { ':prefix': AUDIT_TABLE.executionChainPrefix, ':anchor': 0 },
      }),
    );
    return (out.Items ?? []).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }
}

/** The evidence bucket the deployed environment names. */
export const EVIDENCE_BUCKET = 'paramedic-evidence-123456789012';

/** An s3rver with the evidence bucket; counts the objects written, as S3's event notifications do. */
export class LocalS3 {
  private server?: InstanceType<typeof S3rver>;
  private dir = '';
  endpoint = '';
  /** Keys written (every PUT, rewrites too), in order. */
  readonly puts: string[] = [];

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'paramedic-handler-s3-'));
    this.server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: this.dir,
      configureBuckets: [{ name: EVIDENCE_BUCKET, configs: [] }],
    });
    this.server.on(
      'event',
      (e: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
        for (const r of e.Records)
          if (r.eventName.startsWith('ObjectCreated'))
            this.puts.push(decodeURIComponent(r.s3.object.key));
      },
    );
    this.endpoint = `http://127.0.0.1:${(await this.server.run()).port}`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Variables that point a handler's S3 client here (s3rver knows one access key, S3RVER). */
  environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_S3: this.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
  }
}

/** The bus the deployed environment names. */
export const EVENT_BUS = 'paramedic-test';

/**
 * EventBridge for every handler test (no test reaches AWS): PutEvents accepts every entry. A test
 * reads `eventBridge.commandCalls(PutEventsCommand)` to see what was published.
 */
export const eventBridge = mockClient(EventBridgeClient);

/** Resets the EventBridge mock to accept every entry. */
export function acceptAllEvents(): void {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `event-${i}` })),
  }));
}
acceptAllEvents();

/** The environment the pipeline stack gives a workflow function (cdk/stacks/pipeline-stack.ts). */
export function deployedEnvironment(
  dynamo: LocalDynamo,
  tables: { audit: string; state: string; idempotency: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    [ENV.auditTable]: tables.audit,
    [ENV.stateTable]: tables.state,
    [ENV.idempotencyTable]: tables.idempotency,
    [ENV.evidenceBucket]: EVIDENCE_BUCKET,
    [ENV.topicArn]: 'arn:aws:sns:eu-west-1:123456789012:paramedic-notifications',
    [EVENT_BUS_ENV]: EVENT_BUS,
    [ENV.config]: JSON.stringify({ collectTimeoutSeconds: 600, approvalTimeoutSeconds: 3600 }),
    [ENV.runbooksJson]: compiledRunbooks(),
    ...extra,
  };
}

/** Sets variables for one test; `undefined` removes one. Returns the restore function. */
export function setEnvironment(vars: Record<string, string | undefined>): () => void {
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A Task input after Plan: request-approval-disk-full.json without the task token. */
export function afterPlanInput(): { executionId: string; state: Record<string, any> } {
  const { taskToken: _token, ...input } = event<{
    executionId: string;
    taskToken: string;
    state: Record<string, any>;
  }>('request-approval-disk-full');
  return input;
}

/** RemediateStep's input on a plan of one report step (changes nothing; notifies, and as the last step publishes remediated). */
export function reportStepInput(): { executionId: string; state: Record<string, any> } {
  const input = afterPlanInput();
  input.state.plan.steps = [
    {
      index: 0,
      action: 'report',
      title: 'Report the finding and the evidence; change nothing',
      actionTarget: 'none',
      risk: 'safe',
      mutates: false,
      invocations: [{ target: 'i-0a1b2c3d4e5f60718', parameters: {} }],
    },
  ];
  return input;
}

/** What RemediateStep returns after {@link reportStepInput}'s step. */
export const REPORT_STEP_DONE = {
  done: true,
  failed: false,
  outcomes: [{ action: 'report', status: 'succeeded', detail: 'reported' }],
};
