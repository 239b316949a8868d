/**
 * Classify on a 1,000-host alarm (maxTargetsPerExecution), its evidence read back from a real S3
 * server (s3rver) through the deployed adapters (S3EvidenceStore over S3ObjectClient), each GET
 * delayed to what S3 costs a Lambda in-region (s3rver on loopback answers in a millisecond). Read
 * one after another the fleet's GETs alone were 50 s, and Classify ran out of its 55 s function
 * timeout (Sandbox.Timedout, not retried) and the run failed. Overlapped, the fleet is classified
 * in a fraction of its timeout, with room for Lambda's slower CPU and bundles up to 1 MiB (the
 * CPU side is sized by test/cdk/task-function-timeouts.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pMap from 'p-map';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskFunctionTimeout } from '../../../cdk/workflow/workflow-definition.js';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { S3EvidenceStore } from '../../../lambdas/adapters/s3/s3-evidence-store.js';
import { S3ObjectClient } from '../../../lambdas/adapters/s3/s3-object-client.js';
import type { S3Objects } from '../../../lambdas/adapters/s3/s3-objects.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { DEFAULT_WORKFLOW_CONFIG } from '../../../lambdas/core/workflow/config.js';
import type { CollectedEvidence } from '../../../lambdas/core/workflow/model.js';
import { classifyStored } from '../../../lambdas/core/workflow/stored-classification.js';

const BUCKET = 'paramedic-evidence-fleet';
const HOSTS = DEFAULT_WORKFLOW_CONFIG.maxTargetsPerExecution;
/** One S3 GET from Lambda in-region, first byte and transfer of a bundle (a typical 25-60 ms). */
const GET_LATENCY_MS = 50;

/** The real client, each GET answered {@link GET_LATENCY_MS} later, as S3 answers a Lambda. */
class DistantS3 implements S3Objects {
  constructor(private readonly s3: S3Objects) {}
  async getText(bucket: string, key: string): Promise<string | undefined> {
    await new Promise((r) => setTimeout(r, GET_LATENCY_MS));
    return this.s3.getText(bucket, key);
  }
  putText(...args: Parameters<S3Objects['putText']>): Promise<void> {
    return this.s3.putText(...args);
  }
}

let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
let dir: string;
let client: S3ObjectClient;
let collected: CollectedEvidence[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-classify-fleet-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await server.run();
  client = new S3ObjectClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    endpoint: `http://127.0.0.1:${port}`,
  });
  const recorded = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/recorded/docker-daemon-killed.json'), 'utf8'),
  );
  const store = new S3EvidenceStore(client, BUCKET);
  collected = await pMap(
    Array.from({ length: HOSTS }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`),
    async (target) => ({
      target,
      status: 'Success' as const,
      ref: await store.put(
        `executions/fleet/collect/${target}.json`,
        parseEvidenceDocument(recorded, target).bundle,
      ),
    }),
    { concurrency: 16 },
  );
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Classify on a 1,000-host alarm, evidence in S3', () => {
  it('reads the fleet overlapped and classifies it in a fraction of its function timeout', async () => {
    const evidence = new S3EvidenceStore(new DistantS3(client), BUCKET);
    const started = performance.now();

    const classified = await classifyStored({ evidence, rulebook: loadRulebook() }, collected);

    const seconds = (performance.now() - started) / 1000;
    const timeout = taskFunctionTimeout('Classify').toSeconds();
    console.log(
      `Classify, ${HOSTS} hosts at ${GET_LATENCY_MS} ms a GET: ${seconds.toFixed(1)} s (function timeout ${timeout} s)`,
    );
    expect(classified.map((c) => c.target)).toEqual(collected.map((c) => c.target));
    expect(classified.every((c) => c.result.matches[0]?.runbookId === 'docker-daemon-down')).toBe(
      true,
    );
    // Half the GETs' latency end to end: they overlap (one after another they alone are 50 s).
    expect(seconds).toBeLessThan((HOSTS * GET_LATENCY_MS) / 1000 / 2);
    // A quarter of the function's timeout: Lambda's CPU and 1 MiB bundles cost more than here.
    expect(seconds).toBeLessThan(timeout / 4);
  }, 180_000);
});
