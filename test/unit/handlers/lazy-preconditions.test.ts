/**
 * Plan's preconditions load on the path that needs them: the function is bundled as CDK bundles it
 * (bundleLambda: ESM, split), the classifier and its regex engine sit in a chunk its cold start
 * does not load, and the bundled entry, invoked as Lambda invokes it on a runbook that declares
 * preconditions, loads that chunk and evaluates them on the stored triage evidence. DynamoDB is
 * dynalite and S3 s3rver on loopback (lambda-harness.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weighBundle } from '../../../cdk/constructs/bundle-weight.js';
import { bundleLambda, LAMBDA_ENTRY_FILE } from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { s3EvidencePorts } from '../../../lambdas/handlers/ports/s3-ports.js';
import {
  deployedEnvironment,
  event,
  type LambdaHandler,
  lambdaContext,
  LocalDynamo,
  LocalS3,
  setEnvironment,
} from './lambda-harness.js';

const dynamo = new LocalDynamo();
const s3 = new LocalS3();
const out = mkdtempSync(join(tmpdir(), 'paramedic-plan-bundle-'));
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void = () => undefined;
let weight: ReturnType<typeof weighBundle>;

// One esbuild build of Plan (about 2 s when the machine is quiet).
const BUILD_TIMEOUT_MS = 120_000;

beforeAll(async () => {
  weight = weighBundle(bundleLambda(REPO_ROOT, 'lambdas/handlers/plan.ts', out), LAMBDA_ENTRY_FILE);
  await Promise.all([dynamo.start(), s3.start()]);
  tables = await dynamo.tables();
}, BUILD_TIMEOUT_MS);
afterAll(async () => {
  restore();
  await Promise.all([dynamo.stop(), s3.stop()]);
  rmSync(out, { recursive: true, force: true });
});

/** Plan's input after Classify: request-approval-disk-full.json without the plan and the token. */
function planInput(ref: unknown): Record<string, unknown> {
  const { state, executionId } = event<{ executionId: string; state: Record<string, any> }>(
    'request-approval-disk-full',
  );
  const { plan: _plan, ...before } = state;
  before.collection.evidence[0].ref = ref;
  return { executionId, state: before };
}

describe('Plan bundle: preconditions in a chunk loaded on the path that needs them', () => {
  it('the cold start does not load the regex engine or the classifier; the bundle still has them', () => {
    const eager = weight.eagerInputs.map(([name]) => name);
    const all = weight.totalInputs.map(([name]) => name);

    expect(eager).not.toContain('re2js');
    expect(eager).not.toContain('lambdas/core/classify');
    expect(all).toContain('re2js');
    expect(all).toContain('lambdas/core/classify');
  });

  it('invoked on a runbook with preconditions (disk-full), it evaluates them on the triage evidence', async () => {
    restore = setEnvironment(deployedEnvironment(dynamo, tables, s3.environment()));
    const recorded = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'test', 'fixtures', 'recorded', 'docker-disk-full-volume.json'),
        'utf8',
      ),
    );
    const ref = await s3EvidencePorts
      .create(process.env)
      .evidence!.put(
        'executions/manual-0001/triage/i-0a1b2c3d4e5f60718.json',
        parseEvidenceDocument(recorded).bundle,
      );
    const { handler } = (await import(
      /* @vite-ignore */ pathToFileURL(join(out, LAMBDA_ENTRY_FILE)).href
    )) as { handler: LambdaHandler };

    const plan = (await handler(planInput(ref), lambdaContext('paramedic-Plan'))) as Record<
      string,
      any
    >;

    // The volume dd filled is a loop device, which space-is-low leaves out: the precondition is
    // evaluated for every step that changes something (skipped, it would leave no result) and
    // does not hold, so the host is held.
    expect(plan.preconditions.length).toBeGreaterThan(0);
    for (const result of plan.preconditions)
      expect(result).toMatchObject({
        id: 'space-is-low',
        target: 'i-0a1b2c3d4e5f60718',
        held: false,
      });
    expect(plan.held).toEqual([
      {
        target: 'i-0a1b2c3d4e5f60718',
        reason: expect.stringMatching(/^precondition space-is-low/),
      },
    ]);
    const entries = await dynamo.auditEntries(tables.audit);
    expect(entries.map((e) => e.type)).toEqual(['planned', 'preconditions']);
  });
});
