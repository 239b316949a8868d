/**
 * `paramedic audit --aws` / `console --aws` read the deployed trail through names from the stack
 * outputs: the stores are real local ones (dynalite, s3rver); only CloudFormation, for which no
 * local server exists, answers through aws-sdk-client-mock.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAuditSource } from '../../../cli/commands/audit-source.js';
import { createAuditTable } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { DynamoDbAuditStore } from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import { S3EvidenceStore } from '../../../lambdas/adapters/s3/s3-evidence-store.js';
import { S3ObjectClient } from '../../../lambdas/adapters/s3/s3-object-client.js';
import type { AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';

const cfn = mockClient(CloudFormationClient);
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let ddbServer: {
  listen(port: number, host: string, cb: () => void): void;
  close(cb: () => void): void;
  address(): { port: number };
};
let s3Server: { run(): Promise<{ port: number }>; close(): Promise<void> };
let s3Dir: string;
let evidenceRef: Awaited<ReturnType<S3EvidenceStore['put']>>;
let overrides: Parameters<typeof openAuditSource>[1];
const TABLE = 'ParamedicState-AuditTrail1';
const BUNDLE = JSON.parse(
  readFileSync(new URL('../local/fixtures/disk-full-docker-host.json', import.meta.url), 'utf8'),
);
const BUCKET = 'paramedicstate-evidence1';

beforeAll(async () => {
  ddbServer = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => ddbServer.listen(0, '127.0.0.1', r));
  s3Dir = mkdtempSync(join(tmpdir(), 'paramedic-s3-'));
  s3Server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port: s3Port } = await s3Server.run();
  overrides = {
    dynamodb: { endpoint: `http://127.0.0.1:${ddbServer.address().port}`, credentials },
    s3: { endpoint: `http://127.0.0.1:${s3Port}`, credentials },
  };
  const raw = new DynamoDBClient({ region: 'eu-west-1', ...overrides.dynamodb });
  await createAuditTable(raw, TABLE);
  const store = new DynamoDbAuditStore(DynamoDBDocumentClient.from(raw), TABLE);
  for (const [i, type] of (['triggered', 'completed'] as const).entries()) {
    await store.append({
      executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Wf:run-1',
      type,
      at: `2026-12-02T10:00:0${i}Z`,
      actor: 'iam:123456789012:StartExecution',
      target: 'i-0a1b2c3d4e5f60718',
      data: { n: i },
    } as unknown as AuditEntryInput);
  }
  evidenceRef = await new S3EvidenceStore(
    new S3ObjectClient({ region: 'eu-west-1', credentials, endpoint: overrides!.s3!.endpoint! }),
    BUCKET,
  ).put('evidence/run-1.json', BUNDLE);
});
afterAll(async () => {
  cfn.restore();
  await s3Server.close();
  await new Promise<void>((r) => ddbServer.close(() => r()));
  rmSync(s3Dir, { recursive: true, force: true });
});
beforeEach(() => {
  cfn.reset();
  delete process.env.PARAMEDIC_AUDIT_TABLE;
  delete process.env.PARAMEDIC_EVIDENCE_BUCKET;
  delete process.env.PARAMEDIC_STACK;
});

const stateStack = (outputs: Record<string, string>) =>
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
    if (input.StackName !== 'ParamedicState-prod')
      throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), {
        name: 'ValidationError',
      });
    return {
      Stacks: [
        {
          StackName: input.StackName,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
            OutputKey,
            OutputValue,
          })),
        },
      ],
    };
  });

describe('audit --aws reads the deployed trail by the stack outputs', () => {
  it('takes the audit table and evidence bucket from the state stack of the named deployment', async () => {
    stateStack({ AuditTableName: TABLE, EvidenceBucketName: BUCKET });
    const source = await openAuditSource(
      { aws: true, dataDir: '/nonexistent', stack: 'prod', region: 'eu-west-1' },
      overrides,
    );
    // The bucket is looked up when evidence is first read (audit list/stats/verify need the table alone).
    expect(source).toMatchObject({
      kind: 'aws',
      where: `DynamoDB table ${TABLE}, S3 bucket (from the stack outputs)`,
    });
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'ParamedicState-prod' },
    ]);
    expect(await source.audit.verify()).toEqual({ ok: true, entries: 2 });
    expect(
      (
        await source.audit.execution('arn:aws:states:eu-west-1:123456789012:execution:Wf:run-1')
      ).map((e) => e.type),
    ).toEqual(['triggered', 'completed']);
    expect(await source.evidence!.get(evidenceRef)).toEqual(BUNDLE);
  });

  it('$PARAMEDIC_STACK names the deployment; --table and --bucket override the outputs', async () => {
    process.env.PARAMEDIC_STACK = 'prod';
    stateStack({ AuditTableName: 'not-this-one', EvidenceBucketName: 'nor-this' });
    const source = await openAuditSource(
      { aws: true, dataDir: '/nonexistent', table: TABLE, bucket: BUCKET, region: 'eu-west-1' },
      overrides,
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect((await source.audit.list({ limit: 5 })).map((e) => e.type)).toEqual([
      'completed',
      'triggered',
    ]);
  });

  it('a missing stack or output fails with what to deploy or pass', async () => {
    stateStack({ AuditTableName: TABLE });
    await expect(
      openAuditSource({ aws: true, dataDir: '/x', region: 'eu-west-1' }, overrides),
    ).rejects.toThrow(
      'stack ParamedicState does not exist in region eu-west-1: deploy with "npx cdk deploy --all", or name your deployment with --stack <deploymentName> (or $PARAMEDIC_STACK) and the region with --region',
    );
    // The trail opens on the table alone; reading evidence asks for the bucket and says what to do.
    const source = await openAuditSource(
      { aws: true, dataDir: '/x', stack: 'prod', region: 'eu-west-1' },
      overrides,
    );
    await expect(source.evidence!.get(evidenceRef)).rejects.toThrow(
      'stack ParamedicState-prod has no output EvidenceBucketName (status CREATE_COMPLETE): it was deployed by an older Paramedic; redeploy with "npx cdk deploy --all", or pass --bucket <name>',
    );
  });
});
