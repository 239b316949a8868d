/**
 * ExecutionEventPublisher over EventBridge PutEvents: batches of at most 10 entries and under
 * 256 KB, and a partial failure (FailedEntryCount > 0) retries only the entries that failed for a
 * transient reason. Whatever still fails is reported, never thrown: events are a copy of what the
 * audit trail records, and must not fail the execution that emits them.
 *
 * AWS limits used here:
 * - 10 entries per PutEvents: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * - entry size = UTF-8 bytes of Source + DetailType + Detail + each Resources entry, + 14 when Time
 *   is set; the request total must be under 256 KB:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type {
  ExecutionEventPublisher,
  ParamedicEvent,
  PublishReport,
} from '../../core/events/execution-events.js';
import { awsErrorParts } from '../aws-sdk/aws-error-message.js';
import { eventBusNameFrom } from './event-bus-name.js';

export { EVENT_BUS_ENV } from './event-bus-name.js';

/** IAM actions this adapter calls; CDK grants exactly these on the bus (cdk/constructs/event-bus.ts). */
export const EVENT_PUBLISHER_IAM_ACTIONS = ['events:PutEvents'] as const;
/** PutEvents accepts at most this many entries. */
export const MAX_ENTRIES_PER_PUT = 10;
/** The request's entries must total less than this many bytes. */
export const MAX_PUT_BYTES = 256 * 1024;

// Entry-level error codes worth another attempt; the rest (MalformedDetail, AccessDenied, …) will not change.
const RETRIABLE = new Set([
  'ThrottlingException',
  'InternalFailure',
  'InternalException',
  'ServiceUnavailable',
]);

/** Settings of the publisher. */
export interface EventBridgePublisherOptions {
  /** Attempts per entry when EventBridge reports a transient failure. @default 4 */
  readonly maxAttempts?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Bytes EventBridge counts for one entry against the 256 KB limit. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined): number =>
    s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** Splits entries (in order) into PutEvents requests of ≤ 10 entries and < 256 KB. Entries too large alone are returned apart. */
export function batchEntries<T extends PutEventsRequestEntry>(
  entries: readonly T[],
): { batches: T[][]; tooLarge: T[] } {
  const batches: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size >= MAX_PUT_BYTES) {
      tooLarge.push(entry);
      continue;
    }
    if (current.length === MAX_ENTRIES_PER_PUT || bytes + size >= MAX_PUT_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return { batches, tooLarge };
}

type Pending = { readonly event: ParamedicEvent; readonly entry: PutEventsRequestEntry };

/** Publishes Paramedic's events on one bus. */
export class EventBridgePublisher implements ExecutionEventPublisher {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly options: EventBridgePublisherOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The PutEvents entry of an event on this bus. */
  toEntry(event: ParamedicEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(event.resources?.length ? { Resources: [...event.resources] } : {}),
      ...(event.time ? { Time: new Date(event.time) } : {}),
    };
  }

  /** Sends every event; reports those EventBridge refused after retries. */
  async publish(events: readonly ParamedicEvent[]): Promise<PublishReport> {
    const failed: Array<PublishReport['failed'][number]> = [];
    const { batches, tooLarge } = batchEntries(
      events.map((event) => ({ ...this.toEntry(event), event })),
    );
    for (const t of tooLarge)
      failed.push({
        event: t.event,
        errorCode: 'EntryTooLarge',
        errorMessage: `entry is ${entrySize(t)} bytes; PutEvents takes under ${MAX_PUT_BYTES}`,
      });
    let published = 0;
    for (const batch of batches) {
      const result = await this.putWithRetry(
        batch.map(({ event, ...entry }) => ({ event, entry })),
      );
      published += result.published;
      failed.push(...result.failed);
    }
    return { published, failed };
  }

  private async putWithRetry(batch: readonly Pending[]): Promise<PublishReport> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    let pending = batch;
    let published = 0;
    const failed: Array<PublishReport['failed'][number]> = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      let entries: PutEventsResultEntry[] | undefined;
      try {
        ({ Entries: entries } = await this.client.send(
          new PutEventsCommand({ Entries: pending.map((p) => p.entry) }),
        ));
      } catch (error) {
        // The SDK already retried the call itself; a call that still fails fails the whole batch.
        const { name, message } = awsErrorParts(error);
        for (const p of pending)
          failed.push({ event: p.event, errorCode: name, errorMessage: message });
        return { published, failed };
      }
      const retry: Pending[] = [];
      pending.forEach((p, i) => {
        const r = entries?.[i];
        if (r?.EventId && !r.ErrorCode) published++;
        else if (r?.ErrorCode && RETRIABLE.has(r.ErrorCode) && attempt < maxAttempts) retry.push(p);
        else
          failed.push({
            event: p.event,
            errorCode: r?.ErrorCode ?? 'NoResult',
            errorMessage: r?.ErrorMessage ?? 'PutEvents returned no result for this entry',
          });
      });
      pending = retry;
      if (pending.length) await this.sleep(Math.min(100 * 2 ** attempt, 2000));
    }
    return { published, failed };
  }
}

/**
 * The publisher of a deployed function: the bus CDK named in {@link EVENT_BUS_ENV}.
 * @example const events = eventBridgePublisherFrom(process.env) // once per cold start
 * @throws Error naming the variable and the fix when it is not set.
 */
export function eventBridgePublisherFrom(
  env: NodeJS.ProcessEnv,
  client: EventBridgeClient = new EventBridgeClient({}),
): EventBridgePublisher {
  return new EventBridgePublisher(client, eventBusNameFrom(env));
}
