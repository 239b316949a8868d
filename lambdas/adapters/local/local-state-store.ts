import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock, StateStore } from '../../core/ports.js';
import { safeFileName } from './data-dir.js';
import { withFileLock } from './file-lock.js';

interface StateRecord {
  key: string;
  value: Record<string, unknown>;
  expiresAt: string;
}

/** Key/value state as files under `<dataDir>/state/`, with expiry (de-duplication, cooldowns, failure counts). */
export class LocalStateStore implements StateStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock = { now: () => new Date() },
  ) {
    this.dir = resolve(dataDir, 'state');
  }

  private file(key: string): string {
    return join(this.dir, `${safeFileName(key)}.json`);
  }

  private async read(key: string): Promise<StateRecord | undefined> {
    try {
      const rec = JSON.parse(await readFile(this.file(key), 'utf8')) as StateRecord;
      return rec.key === key && Date.parse(rec.expiresAt) > this.clock.now().getTime()
        ? rec
        : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(
    key: string,
    value: Record<string, unknown>,
    ttlSeconds: number,
  ): Promise<void> {
    const rec: StateRecord = {
      key,
      value,
      expiresAt: new Date(this.clock.now().getTime() + ttlSeconds * 1000).toISOString(),
    };
    await writeFile(this.file(key), JSON.stringify(rec));
  }

  /** Inserts only if absent or expired. */
  async putIfAbsent(
    key: string,
    value: Record<string, unknown>,
    ttlSeconds: number,
  ): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(`${this.file(key)}.lock`, async () => {
      if (await this.read(key)) return false;
      await this.write(key, value, ttlSeconds);
      return true;
    });
  }

  /** The live value, or undefined when absent or expired. */
  async get(key: string): Promise<Record<string, unknown> | undefined> {
    return (await this.read(key))?.value;
  }

  /** Writes unconditionally. */
  async put(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await withFileLock(`${this.file(key)}.lock`, () => this.write(key, value, ttlSeconds));
  }
}
