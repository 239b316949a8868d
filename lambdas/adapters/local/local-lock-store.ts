import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock, LockStore } from '../../core/ports.js';
import type { LockRelease } from '../../core/workflow/ports.js';
import { safeFileName } from './data-dir.js';
import { withFileLock } from './file-lock.js';

interface LockRecord {
  target: string;
  owner: string;
  expiresAt: string;
  /** An action of the owner may run on the target until then (LockStore.acquire). */
  actingUntil?: string;
  /** A release found the lock acting and kept it: endActing frees it. */
  releasedWhileActing?: string;
}

/** Per-target locks as files under `<dataDir>/locks/`, with expiry so a crashed run cannot hold a host forever. */
export class LocalLockStore implements LockStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock = { now: () => new Date() },
  ) {
    this.dir = resolve(dataDir, 'locks');
  }

  private file(target: string): string {
    return join(this.dir, `${safeFileName(target)}.json`);
  }

  /** The lock file's record, expired or not. */
  private async record(target: string): Promise<LockRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(target), 'utf8')) as LockRecord;
    } catch {
      return undefined;
    }
  }

  /** The current holder, if the lock is held and not expired. */
  async holder(target: string): Promise<LockRecord | undefined> {
    const rec = await this.record(target);
    return rec && Date.parse(rec.expiresAt) > this.clock.now().getTime() ? rec : undefined;
  }

  /** The owner of the target's live lease, if any. */
  async leaseOwner(target: string): Promise<string | undefined> {
    return (await this.holder(target))?.owner;
  }

  /** True when acquired (or already held by the same owner, whose expiry is then extended); a new record, so an earlier acting mark goes. */
  async acquire(
    target: string,
    owner: string,
    ttlSeconds: number,
    actingUntil?: Date,
  ): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(`${this.file(target)}.lock`, async () => {
      const current = await this.holder(target);
      if (current && current.owner !== owner) return false;
      const expires = Math.max(
        this.clock.now().getTime() + ttlSeconds * 1000,
        actingUntil?.getTime() ?? 0,
      );
      const rec: LockRecord = {
        target,
        owner,
        expiresAt: new Date(expires).toISOString(),
        ...(actingUntil ? { actingUntil: actingUntil.toISOString() } : {}),
      };
      await writeFile(this.file(target), JSON.stringify(rec));
      return true;
    });
  }

  /** Releases the lock if this owner holds it (even once expired) and no action of it may still run; keeps it until then if one may. */
  async release(target: string, owner: string): Promise<LockRelease> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(`${this.file(target)}.lock`, async () => {
      const current = await this.record(target);
      if (current?.owner !== owner) return 'not-held';
      const acting = current.actingUntil;
      if (acting && Date.parse(acting) > this.clock.now().getTime()) {
        const kept: LockRecord = {
          ...current,
          expiresAt: acting,
          releasedWhileActing: this.clock.now().toISOString(),
        };
        await writeFile(this.file(target), JSON.stringify(kept));
        return { actingUntil: acting };
      }
      await rm(this.file(target), { force: true });
      return 'released';
    });
  }

  /** Clears this owner's acting mark; frees the lock instead when a release kept it for the action. */
  async endActing(target: string, owner: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(`${this.file(target)}.lock`, async () => {
      const current = await this.record(target);
      if (current?.owner !== owner || !current.actingUntil) return false;
      if (current.releasedWhileActing) {
        await rm(this.file(target), { force: true });
        return true;
      }
      const { actingUntil: _ended, ...rest } = current;
      await writeFile(this.file(target), JSON.stringify(rest));
      return false;
    });
  }
}
