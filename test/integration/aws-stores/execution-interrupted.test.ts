import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAuditStore } from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { DynamoDbLockStore } from '../../../lambdas/adapters/dynamodb/dynamodb-lock-store.js';
import { LocalEventPublisher } from '../../../lambdas/adapters/local/local-event-publisher.js';
import { LocalStateDocuments } from '../../../lambdas/adapters/local/local-state-documents.js';
import type { AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { handleExecutionStatusChange } from '../../../lambdas/handlers/execution-interrupted.js';
import { LocalDynamo } from '../../unit/handlers/lambda-harness.js';

// Step Functions' own status-change event, as documented (source aws.states, default bus).
const EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/events/sfn-execution-status-change-aborted.json'),
    'utf8',
  ),
);
const MACHINE = EVENT.detail.stateMachineArn as string;
const clock = { now: () => new Date('2026-12-02T12:00:00Z') };

const dynamo = new LocalDynamo();
let ddb: DynamoDBDocumentClient;
const dirs: string[] = [];

beforeAll(async () => {
  await dynamo.start();
  ddb = DynamoDBDocumentClient.from(dynamo.raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
});
afterAll(async () => {
  await dynamo.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Fresh tables and event file: the ports the Lambda wires, over dynalite and the local bus file. */
async function stores() {
  const tables = await dynamo.tables();
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-interrupted-'));
  dirs.push(dir);
  const events = new LocalEventPublisher(dir);
  const ports = {
    audit: new DynamoDbAuditStore(ddb, tables.audit),
    locks: new DynamoDbLockStore(ddb, tables.state, clock),
    state: new DynamoDbStateStore(ddb, tables.state, clock),
    events,
    config: resolveWorkflowConfig({ dryRun: false, deploymentName: 'prod' }),
    errorWording: awsErrorWording,
  };
  return { ports, events };
}

const at = '2026-12-02T11:30:00.000Z';
const targets = [
  { id: 'i-0aaaaaaaaaaaaaaa1', platform: 'docker' as const },
  { id: 'i-0aaaaaaaaaaaaaaa2', platform: 'docker' as const },
];
const trigger = { kind: 'alarm' as const, actor: 'alarm:prod-disk', alarmName: 'prod-disk', at };
const exec = (
  status: string,
  detail: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
) => ({ ...EVENT, ...top, detail: { ...EVENT.detail, status, ...detail } });

/** The trail of a run that took its locks and was stopped in Collect. */
function startedRun(executionId: string): AuditEntryInput[] {
  return [
    {
      executionId,
      type: 'triggered',
      at,
      actor: trigger.actor,
      target: targets[0]!.id,
      data: { trigger, summary: 'alarm prod-disk went ALARM', mode: 'alarm', targets },
    },
    {
      executionId,
      type: 'locked',
      at,
      actor: trigger.actor,
      target: targets[0]!.id,
      data: { acquired: true, attempts: 1, targets: targets.map((t) => t.id), ttlSeconds: 7200 },
    },
  ];
}

describe('ExecutionInterrupted over dynalite: an execution that ended without its outcome is closed', () => {
  it('appends one interrupted entry, releases the locks it still holds, publishes failed', async () => {
    const { ports, events } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    for (const e of startedRun(executionId)) await ports.audit.append(e);
    await ports.locks.acquire(lockKey(targets[0]!.id), executionId, 7200);
    // The second lock expired and another execution holds it now: it must stay theirs.
    await ports.locks.acquire(lockKey(targets[1]!.id), 'arn:other-execution', 7200);

    const result = await handleExecutionStatusChange(EVENT, MACHINE, ports, clock);

    expect(result).toMatchObject({
      closed: true,
      executionId,
      released: [targets[0]!.id], // the other execution's lock is not this run's to free
      published: true,
    });
    const trail = await ports.audit.execution(executionId);
    expect(trail.map((e) => e.type)).toEqual(['triggered', 'locked', 'interrupted']);
    expect(trail[2]).toMatchObject({
      actor: 'system',
      outcome: 'interrupted',
      target: targets[0]!.id,
      data: {
        status: 'ABORTED',
        startedAt: '2025-12-02T11:30:00.000Z',
        reason: expect.stringContaining('aborted'),
      },
    });
    expect(await ports.locks.acquire(lockKey(targets[0]!.id), 'arn:next-execution', 60)).toBe(true);
    expect(await ports.locks.acquire(lockKey(targets[1]!.id), 'arn:next-execution', 60)).toBe(
      false,
    );
    const published = await events.list();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      'detail-type': 'Paramedic Execution Status Change',
      resources: [executionId],
      detail: {
        status: 'failed',
        executionId,
        trigger: 'alarm',
        mode: 'execute',
        alarmName: 'prod-disk',
        deployment: 'prod',
        targetCount: 2,
        summary: expect.stringContaining('interrupted'),
      },
    });
    expect(await ports.audit.verify()).toMatchObject({ ok: true });
  });

  it('is idempotent: a redelivery, sequential or concurrent, adds nothing', async () => {
    const { ports, events } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    for (const e of startedRun(executionId)) await ports.audit.append(e);
    const concurrent = await Promise.allSettled(
      [0, 1, 2].map(() => handleExecutionStatusChange(EVENT, MACHINE, ports, clock)),
    );
    const again = await handleExecutionStatusChange(EVENT, MACHINE, ports, clock);
    expect(again).toEqual({
      closed: false,
      executionId,
      why: 'the run is already closed as interrupted',
    });
    // A delivery that lost the race either saw the entry or failed to be retried later (never a second entry).
    for (const r of concurrent)
      if (r.status === 'rejected')
        expect((r.reason as Error).name).toBe('ExecutionBeingClosedError');
    expect(
      concurrent.filter((r) => r.status === 'fulfilled' && 'closed' in r.value && r.value.closed),
    ).toHaveLength(1);
    expect(
      (await ports.audit.execution(executionId)).filter((e) => e.type === 'interrupted'),
    ).toHaveLength(1);
    expect(await events.list()).toHaveLength(1);
  });

  it("leaves a run that recorded its completion alone (the workflow's own Failed state comes after Complete)", async () => {
    const { ports, events } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    for (const e of startedRun(executionId)) await ports.audit.append(e);
    await ports.audit.append({
      executionId,
      type: 'released',
      at,
      actor: trigger.actor,
      data: { released: targets.map((t) => t.id) },
    });
    await ports.audit.append({
      executionId,
      type: 'completed',
      at,
      actor: trigger.actor,
      outcome: 'failed',
      data: {
        executionId,
        outcome: 'failed',
        runbookId: null,
        targets: targets.map((t) => t.id),
        durationMs: 1,
        failed: true,
        decision: null,
        reason: null,
        failure: { Error: 'States.TaskFailed', Cause: 'boom' },
      },
    });
    const result = await handleExecutionStatusChange(
      exec('FAILED', { error: 'RemediationWorkflowFailed', cause: 'A step failed' }),
      MACHINE,
      ports,
      clock,
    );
    expect(result).toEqual({
      closed: false,
      executionId,
      why: 'the run recorded its completion (outcome failed)',
    });
    expect((await ports.audit.execution(executionId)).map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'released',
      'completed',
    ]);
    expect(await events.list()).toEqual([]);
  });

  it('frees the locks of a run stopped inside AcquireLock, which recorded none of them', async () => {
    const { ports } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    await ports.audit.append(startedRun(executionId)[0]!); // triggered; AcquireLock never returned
    await ports.locks.acquire(lockKey(targets[0]!.id), executionId, 7200);

    const result = await handleExecutionStatusChange(EVENT, MACHINE, ports, clock);

    expect(result).toMatchObject({ closed: true, released: [targets[0]!.id] });
    expect(await ports.locks.leaseOwner(lockKey(targets[0]!.id))).toBeUndefined();
  });

  it('records a release that failed, throws so the event is retried, and the retry frees the lock', async () => {
    const { ports, events } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    for (const e of startedRun(executionId)) await ports.audit.append(e);
    await ports.locks.acquire(lockKey(targets[0]!.id), executionId, 7200);
    let throttling = true;
    const flaky = {
      ...ports,
      locks: {
        acquire: ports.locks.acquire.bind(ports.locks),
        endActing: ports.locks.endActing.bind(ports.locks),
        release: async (key: string, owner: string) => {
          if (throttling)
            throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
          return ports.locks.release(key, owner);
        },
      },
    };

    await expect(handleExecutionStatusChange(EVENT, MACHINE, flaky, clock)).rejects.toMatchObject({
      name: 'LockReleaseError',
      failed: targets.map((t) => t.id),
    });
    expect((await ports.audit.execution(executionId)).at(-1)).toMatchObject({
      type: 'interrupted',
      data: {
        notReleased: targets.map((t) => t.id),
        releaseError: 'ThrottlingException: slow down',
      },
    });
    expect(await events.list()).toHaveLength(1);

    throttling = false;
    const retried = await handleExecutionStatusChange(EVENT, MACHINE, flaky, clock);

    expect(retried).toMatchObject({ closed: false, released: [targets[0]!.id] });
    expect(await ports.locks.leaseOwner(lockKey(targets[0]!.id))).toBeUndefined();
    expect((await ports.audit.execution(executionId)).map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'interrupted',
      'released',
    ]);
    // Nothing left to retry: a further delivery changes nothing.
    expect(await handleExecutionStatusChange(EVENT, MACHINE, flaky, clock)).toEqual({
      closed: false,
      executionId,
      why: 'the run is already closed as interrupted',
    });
    expect(await events.list()).toHaveLength(1);
  });

  it('a large run whose stored Intake payload cannot be read: throws an error saying what to do, frees nothing, records nothing', async () => {
    const { ports, events } = await stores();
    const executionId = EVENT.detail.executionArn as string;
    const [triggered] = startedRun(executionId);
    // Above 64 KiB, the trail keeps a summary of Intake's payload and the payload goes to the document store.
    const summary = {
      summary: 'alarm prod-disk went ALARM',
      mode: 'alarm',
      counts: { targets: 1000 },
      stateRef: {
        uri: `file:///nowhere/executions/${executionId}/audit/triggered/0.json`,
        sha256: '0'.repeat(64),
        bytes: 120_000,
      },
    };
    await ports.audit.append({ ...triggered!, data: summary } as unknown as AuditEntryInput);
    await ports.locks.acquire(lockKey(targets[0]!.id), executionId, 7200);
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-documents-'));
    dirs.push(dir);

    for (const stateDocuments of [undefined, new LocalStateDocuments(dir)]) {
      const attempt = handleExecutionStatusChange(
        EVENT,
        MACHINE,
        { ...ports, ...(stateDocuments ? { stateDocuments } : {}) },
        clock,
      );
      await expect(attempt).rejects.toMatchObject({
        name: 'InterruptedTrailUnreadableError',
        message: expect.stringMatching(
          /cannot tell which hosts .* could not be read back .* delete the state table's lock# items whose owner is/,
        ),
      });
    }
    expect(await ports.locks.leaseOwner(lockKey(targets[0]!.id))).toBe(executionId);
    expect((await ports.audit.execution(executionId)).map((e) => e.type)).toEqual(['triggered']);
    expect(await events.list()).toEqual([]);
  });

  it("records a run Intake never recorded (it failed first), with Step Functions' error, and publishes nothing it cannot fill in", async () => {
    const { ports, events } = await stores();
    const result = await handleExecutionStatusChange(
      exec('FAILED', { error: 'AlarmEventError', cause: 'detail is not an object' }),
      MACHINE,
      ports,
      clock,
    );
    expect(result).toMatchObject({ closed: true, released: [], published: false });
    const [entry] = await ports.audit.execution(EVENT.detail.executionArn);
    expect(entry).toMatchObject({
      type: 'interrupted',
      actor: 'system',
      outcome: 'interrupted',
      data: {
        status: 'FAILED',
        reason: expect.stringMatching(
          /failed before recording an outcome \(AlarmEventError: detail is not an object\); Intake recorded nothing/,
        ),
      },
    });
    expect(await events.list()).toEqual([]);
  });

  it.each([
    ['a succeeded execution', exec('SUCCEEDED')],
    ['a running one', exec('RUNNING')],
    [
      "another state machine's",
      exec('ABORTED', {
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:SomeoneElse',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:SomeoneElse:x',
      }),
    ],
    [
      'an execution ARN outside the state machine it names',
      exec('ABORTED', {
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:SomeoneElse:x',
      }),
    ],
    ['another source', exec('ABORTED', {}, { source: 'aws.ec2' })],
    ['a date that is not epoch milliseconds', exec('ABORTED', { startDate: '2026-12-02' })],
    [
      'an ARN with a shell metacharacter',
      exec('ABORTED', { executionArn: `${EVENT.detail.executionArn};rm` }),
    ],
    ['null', null],
    ['a string', 'ABORTED'],
    ['an array', [EVENT]],
    ['a detail that is not an object', { ...EVENT, detail: 'x' }],
  ])('ignores %s without throwing or writing', async (_what, event) => {
    const { ports, events } = await stores();
    const result = await handleExecutionStatusChange(event, MACHINE, ports, clock);
    expect(result).toEqual({ ignored: expect.any(String) });
    expect((result as { ignored: string }).ignored).not.toContain('\n');
    expect(await ports.audit.verify()).toEqual({ ok: true, entries: 0 });
    expect(await events.list()).toEqual([]);
  });
});
