import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock, Notifier } from '../../core/ports.js';

/** One notification as stored. */
export interface StoredNotification {
  at: string;
  kind: 'approval' | 'escalation' | 'report';
  subject: string;
  body: string;
}

/** Notifications appended to `<dataDir>/notifications.jsonl` and printed (the local stand-in for SNS). */
export class LocalNotifier implements Notifier {
  /** The JSON-lines file. */
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly print: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
    private readonly clock: Clock = { now: () => new Date() },
  ) {
    this.file = join(resolve(dataDir), 'notifications.jsonl');
  }

  /** Stores and prints one message. */
  async notify(message: {
    subject: string;
    body: string;
    kind: 'approval' | 'escalation' | 'report';
  }): Promise<void> {
    const rec: StoredNotification = { at: this.clock.now().toISOString(), ...message };
    await mkdir(resolve(this.file, '..'), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(rec)}\n`);
    this.print(`[notify:${message.kind}] ${message.subject}`);
  }

  /** Every stored notification, oldest first. */
  async list(): Promise<StoredNotification[]> {
    try {
      return (await readFile(this.file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as StoredNotification);
    } catch {
      return [];
    }
  }
}
