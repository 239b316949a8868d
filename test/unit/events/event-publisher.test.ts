import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  batchEntries,
  entrySize,
  EVENT_BUS_ENV,
  EventBridgePublisher,
  eventBridgePublisherFrom,
  MAX_PUT_BYTES,
} from '../../../lambdas/adapters/eventbridge/event-publisher.js';
import {
  EXECUTION_STATUS_CHANGE,
  executionStatusChange,
  MAX_LISTED_TARGETS,
  runbookRunRequested,
  RUN_REQUEST_SOURCE,
  RUNBOOK_RUN_REQUESTED,
  STATUS_EVENT_SOURCE,
  type ExecutionStatusChangeDetail,
} from '../../../lambdas/core/events/execution-events.js';
import { ManualInputError } from '../../../lambdas/core/workflow/manual-input.js';

const eventbridge = mockClient(EventBridgeClient);
const noSleep = { sleep: async () => {} };
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Workflow:abc';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
const status = (n: number, summary?: string) =>
  executionStatusChange({
    executionId: `${EXECUTION}-${n}`,
    status: 'escalated',
    at: '2026-12-02T12:00:00.000Z',
    trigger: 'alarm',
    mode: 'execute',
    alarmName: 'paramedic-disk',
    runbookId: 'disk-full',
    confidence: 0.91234,
    targets: ids(3),
    ...(summary ? { summary } : {}),
  });
/** Accepts every entry, giving each an id. */
const acceptAll = (input: { Entries?: unknown[] }) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
});

beforeEach(() => eventbridge.reset());

describe('execution events (the schema in the README)', () => {
  it('a status event carries the typed detail, the execution as resource, and a bounded target list', () => {
    const event = executionStatusChange({
      executionId: EXECUTION,
      status: 'started',
      at: '2026-12-02T12:00:00.000Z',
      trigger: 'alarm',
      mode: 'dry-run',
      targets: ids(1000),
      deployment: 'prod',
    });
    expect(event).toMatchObject({
      source: STATUS_EVENT_SOURCE,
      detailType: EXECUTION_STATUS_CHANGE,
      resources: [EXECUTION],
    });
    const detail = event.detail as ExecutionStatusChangeDetail;
    expect(detail).toMatchObject({
      schemaVersion: 1,
      executionId: EXECUTION,
      status: 'started',
      trigger: 'alarm',
      mode: 'dry-run',
      targetCount: 1000,
      deployment: 'prod',
    });
    expect(detail.targets).toHaveLength(MAX_LISTED_TARGETS);
    expect(
      entrySize(new EventBridgePublisher(new EventBridgeClient({}), 'paramedic').toEntry(event)),
    ).toBeLessThan(4096);
  });

  it('a run request is validated exactly like the manual StartExecution input', () => {
    expect(
      runbookRunRequested({
        runbookId: 'disk-full',
        target: 'i-0123456789abcdef0',
        invokedBy: 'alice',
      }),
    ).toMatchObject({
      source: RUN_REQUEST_SOURCE,
      detailType: RUNBOOK_RUN_REQUESTED,
      detail: { runbookId: 'disk-full', target: 'i-0123456789abcdef0' },
    });
    expect(() => runbookRunRequested({ runbookId: 'disk-full', target: 'not a target' })).toThrow(
      ManualInputError,
    );
  });
});

describe('EventBridgePublisher', () => {
  it('puts the real event schema on the configured bus', async () => {
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    const report = await new EventBridgePublisher(
      new EventBridgeClient({}),
      'paramedic-prod',
      noSleep,
    ).publish([status(1)]);
    expect(report).toEqual({ published: 1, failed: [] });
    const [entry] = eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({
      EventBusName: 'paramedic-prod',
      Source: 'paramedic',
      DetailType: 'Paramedic Execution Status Change',
      Resources: [`${EXECUTION}-1`],
    });
    expect(JSON.parse(entry!.Detail!)).toEqual({
      schemaVersion: 1,
      executionId: `${EXECUTION}-1`,
      status: 'escalated',
      at: '2026-12-02T12:00:00.000Z',
      trigger: 'alarm',
      mode: 'execute',
      alarmName: 'paramedic-disk',
      runbookId: 'disk-full',
      confidence: 0.912,
      targets: ids(3),
      targetCount: 3,
    });
  });

  it('batches at most 10 entries per PutEvents', async () => {
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    const report = await new EventBridgePublisher(
      new EventBridgeClient({}),
      'paramedic',
      noSleep,
    ).publish(Array.from({ length: 25 }, (_, i) => status(i)));
    expect(report.published).toBe(25);
    expect(
      eventbridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length),
    ).toEqual([10, 10, 5]);
  });

  it('keeps each request under 256 KB, and reports an entry too large on its own without sending it', async () => {
    const big = 'x'.repeat(60_000);
    const entries = Array.from({ length: 9 }, (_, i) => ({
      Source: 'paramedic',
      DetailType: 'd',
      Detail: JSON.stringify({ i, big }),
    }));
    const { batches, tooLarge } = batchEntries([
      ...entries,
      { Source: 'paramedic', DetailType: 'd', Detail: 'y'.repeat(MAX_PUT_BYTES) },
    ]);
    expect(tooLarge).toHaveLength(1);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 1]);
    for (const b of batches)
      expect(b.reduce((n, e) => n + entrySize(e), 0)).toBeLessThan(MAX_PUT_BYTES);

    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    const report = await new EventBridgePublisher(
      new EventBridgeClient({}),
      'paramedic',
      noSleep,
    ).publish([status(1, 'z'.repeat(300_000))]);
    // The builder cuts the summary, so even an oversized summary is published.
    expect(report).toEqual({ published: 1, failed: [] });
  });

  it('retries only the entries that failed transiently (FailedEntryCount), then reports the permanent failures', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const events = [status(1), status(2), status(3)];
    const report = await new EventBridgePublisher(
      new EventBridgeClient({}),
      'paramedic',
      noSleep,
    ).publish(events);
    expect(report.published).toBe(2);
    expect(report.failed).toEqual([
      { event: events[2], errorCode: 'MalformedDetail', errorMessage: 'bad' },
    ]);
    const calls = eventbridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[1]!.args[0].input.Entries![0]!.Detail!).executionId).toBe(
      `${EXECUTION}-2`,
    );
  });

  it('gives up on a transient failure after maxAttempts and reports it instead of throwing', async () => {
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }],
    });
    const report = await new EventBridgePublisher(new EventBridgeClient({}), 'paramedic', {
      ...noSleep,
      maxAttempts: 3,
    }).publish([status(1)]);
    expect(report).toMatchObject({ published: 0, failed: [{ errorCode: 'InternalFailure' }] });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('reports a call that fails outright (e.g. AccessDenied) for every entry of the batch', async () => {
    eventbridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const report = await new EventBridgePublisher(
      new EventBridgeClient({}),
      'paramedic',
      noSleep,
    ).publish([status(1), status(2)]);
    expect(report.published).toBe(0);
    expect(report.failed.map((f) => f.errorCode)).toEqual([
      'AccessDeniedException',
      'AccessDeniedException',
    ]);
  });

  it('is built from the bus name CDK sets, and says what to do when it is missing', async () => {
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    await eventBridgePublisherFrom(
      { [EVENT_BUS_ENV]: 'paramedic-prod' },
      new EventBridgeClient({}),
    ).publish([status(1)]);
    expect(
      eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.EventBusName,
    ).toBe('paramedic-prod');
    expect(() => eventBridgePublisherFrom({})).toThrow(/PARAMEDIC_EVENT_BUS is not set; redeploy/);
  });
});
