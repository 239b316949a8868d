/**
 * `paramedic audit stats` over the local trail and, with `--aws`, over the DynamoDB audit table
 * (dynalite on loopback): the same runs give the same figures from either store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTable } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { DynamoDbAuditStore } from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { OUTCOME_RUNS, runEntries, ROLLBACK_UNKNOWN_RUN } from '../../support/outcome-trail.js';
import { paramedic } from './cli-helper.js';

let dataDir: string;
let server: ReturnType<typeof dynalite>;
let raw: DynamoDBClient;
let endpoint: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-stats-'));
  const local = new LocalAuditStore(dataDir);
  for (const e of OUTCOME_RUNS.flatMap(runEntries)) await local.append(e);
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  raw = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await createAuditTable(raw, 'paramedic-audit');
  const dynamo = new DynamoDbAuditStore(
    DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    'paramedic-audit',
  );
  for (const e of OUTCOME_RUNS.flatMap(runEntries)) await dynamo.append(e);
});

afterAll(async () => {
  raw?.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('paramedic audit stats', () => {
  it('prints one row per runbook: runs, time to verified, auto-fix, escalation and rollback rates', async () => {
    const r = await paramedic(['audit', 'stats', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^disk-full\s+3\s+3\s+2\s+4\.0 min \/ 10\.0 min\s+33%\s+33%\s+0%$/m);
    expect(r.stdout).toMatch(/^oom-killed\s+2\s+2\s+1\s+2\.0 min \/ 2\.0 min\s+50%\s+50%\s+50%$/m);
    expect(r.stdout).toMatch(/^node-not-ready\s+1\s+1\s+0\s+–\s+0%\s+100%\s+100%$/m);
  });

  it('--json and --since: only the executions started since then', async () => {
    const r = await paramedic([
      'audit',
      'stats',
      '--data-dir',
      dataDir,
      '--since',
      '2026-11-23T00:00:00Z',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.runbooks.map((x: { runbookId: string }) => x.runbookId)).not.toContain(
      'disk-full',
    );
    expect(stats.total.runs).toBe(4);
  });

  it('says how many rollbacks ended unknown and which runs to check; they are not counted as rolled back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-stats-unknown-'));
    try {
      const local = new LocalAuditStore(dir);
      for (const e of [...OUTCOME_RUNS, ROLLBACK_UNKNOWN_RUN].flatMap(runEntries))
        await local.append(e);

      const r = await paramedic(['audit', 'stats', '--data-dir', dir]);

      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^oom-killed\s+3\s+3\s+1\s+2\.0 min \/ 2\.0 min\s+33%\s+67%\s+33%$/m,
      );
      expect(r.stdout).toMatch(/^rollback outcome unknown: 1 — check each host .*: run-oom-3$/m);
      const json = JSON.parse(
        (await paramedic(['audit', 'stats', '--data-dir', dir, '--json'])).stdout,
      );
      expect(json.total).toMatchObject({
        rolledBack: 2,
        rollbackUnknown: 1,
        rollbackUnknownExecutions: ['run-oom-3'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints no unknown-rollback line when every rollback finished', async () => {
    const r = await paramedic(['audit', 'stats', '--data-dir', dataDir]);
    expect(r.stdout).not.toContain('rollback outcome unknown');
  });

  it('exits 2 on a --since that is neither a time nor a duration', async () => {
    const r = await paramedic(['audit', 'stats', '--data-dir', dataDir, '--since', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/neither an ISO time/);
  });

  it('--aws reads the DynamoDB audit table and gives the same figures as the local trail', async () => {
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'eu-west-1',
    };
    const [aws, local] = await Promise.all([
      paramedic(['audit', 'stats', '--aws', '--table', 'paramedic-audit', '--json'], env),
      paramedic(['audit', 'stats', '--data-dir', dataDir, '--json']),
    ]);
    expect(aws.stderr).toBe('');
    expect(aws.code).toBe(0);
    expect(JSON.parse(aws.stdout)).toEqual(JSON.parse(local.stdout));
    expect(JSON.parse(aws.stdout).total.runs).toBe(7);
  });
});
