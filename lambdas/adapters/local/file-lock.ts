import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { hostname } from 'node:os';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock file stayed held past the wait limit. */
export class FileLockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(
      `could not take ${lockPath} within ${waitedMs} ms: another paramedic process holds it; wait for it to finish, or delete the file if no paramedic process is running`,
    );
    this.name = 'FileLockTimeoutError';
  }
}

/** Tuning of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long; default 15 s. */
  readonly timeoutMs?: number;
  /** A lock is stale when it is older than this AND its owner is gone; default 5 s. */
  readonly staleMs?: number;
}

/** What a lock file holds: who took it, so a waiter can tell a crashed owner from a busy one. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The inode of the lock when it is stale, else null. Stale means old AND its owner is gone:
 * - a lock that vanished while we looked was released, not abandoned: the next open decides;
 * - a young lock is never stale, whoever wrote it (its owner may be between open and write);
 * - an old lock is stale when its owner's pid is dead on this host, or when it names no owner at
 *   all (the owner died between creating and writing it). An owner on another host cannot be
 *   checked: it stays held, and the timeout error tells the operator what to do.
 */
async function staleInode(lockPath: string, staleMs: number): Promise<number | null> {
  let st: Stats;
  let text: string;
  try {
    st = await stat(lockPath);
    if (Date.now() - st.mtimeMs <= staleMs) return null;
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  let owner: Partial<LockOwner> = {};
  try {
    owner = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    /* unnamed owner */
  }
  if (owner.host === undefined || owner.pid === undefined) return st.ino;
  if (owner.host !== hostname()) return null;
  return Number.isInteger(owner.pid) && owner.pid > 0 && !processAlive(owner.pid) ? st.ino : null;
}

/**
 * Removes the stale lock whose inode was judged, and only that one. Two waiters may judge the same
 * stale lock: the first renames it away (atomic) and takes the lock; the second must not delete
 * the first one's fresh lock. So the lock is renamed to a private name and its inode compared: a
 * different inode means a live lock was grabbed by mistake, and it is linked back.
 */
async function removeStale(lockPath: string, ino: number): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  try {
    if ((await stat(aside)).ino !== ino) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

/** Releases the lock only while it is still ours (a takeover after a long pause must not be undone). */
async function release(lockPath: string, token: string): Promise<void> {
  try {
    const owner = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    if (owner.token === token) await rm(lockPath, { force: true });
  } catch (error) {
    if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL), so two processes
 * never interleave their read-modify-write of the same store.
 * @example await withFileLock(join(dir, 'trail.lock'), () => appendEntry())
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 5_000;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID() };
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      try {
        await fh.writeFile(JSON.stringify(owner));
      } finally {
        await fh.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ino = await staleInode(lockPath, staleMs);
      if (ino !== null) {
        await removeStale(lockPath, ino);
        continue;
      }
      if (Date.now() - started > timeoutMs)
        throw new FileLockTimeoutError(lockPath, Date.now() - started);
      // Locks are held for one read-modify-write (a few ms): poll often, with jitter so waiters spread out.
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 8);
    }
  }
  try {
    return await fn();
  } finally {
    await release(lockPath, owner.token);
  }
}
