/**
 * The local stand-in for the EventBridge bus: status events appended to `<dataDir>/events.jsonl`,
 * one PutEvents-shaped entry a line (`source`, `detail-type`, `resources`, `time`, `detail`), so a
 * local run publishes exactly what a deployed one does and a script can follow them (`tail -f`).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type {
  ExecutionEventPublisher,
  ParamedicEvent,
  PublishReport,
} from '../../core/events/execution-events.js';

/** One event as stored: the fields of an EventBridge event. */
export interface StoredEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly resources: readonly string[];
  readonly time?: string;
  readonly detail: ParamedicEvent['detail'];
}

/** Appends events to `events.jsonl` under the data directory. */
export class LocalEventPublisher implements ExecutionEventPublisher {
  /** The JSON-lines file. */
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(resolve(dataDir), 'events.jsonl');
  }

  /** Appends every event; a write that fails is reported for each, never thrown. */
  async publish(events: readonly ParamedicEvent[]): Promise<PublishReport> {
    const lines = events.map((e) =>
      JSON.stringify({
        source: e.source,
        'detail-type': e.detailType,
        resources: e.resources ?? [],
        ...(e.time ? { time: e.time } : {}),
        detail: e.detail,
      } satisfies StoredEvent),
    );
    try {
      await mkdir(resolve(this.file, '..'), { recursive: true });
      await appendFile(this.file, lines.map((l) => `${l}\n`).join(''));
      return { published: events.length, failed: [] };
    } catch (error) {
      return {
        published: 0,
        failed: events.map((event) => ({
          event,
          errorCode: (error as NodeJS.ErrnoException).code ?? 'Error',
          errorMessage: (error as Error).message,
        })),
      };
    }
  }

  /** Every stored event, oldest first (none when the file does not exist yet). */
  async list(): Promise<StoredEvent[]> {
    try {
      return (await readFile(this.file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as StoredEvent);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
