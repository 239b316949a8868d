import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock file stayed held past the wait limit. */
export class FileLockTimeoutError extends Error {
  constructor(readonly lockPath: string, waitedMs: number) {
    super(`could not take ${lockPath} within ${waitedMs} ms: another paramedic process holds it; wait for it to finish, or delete the file if no paramedic process is running`);
    this.name = 'FileLockTimeoutError';
  }
}

/** Tuning of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long; default 15 s. */
  readonly timeoutMs?: number;
  /** A lock older than this whose owner is gone is taken over; default 30 s. */
  readonly staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number(JSON.parse(text || '{}').pid);
    // A lock whose writer died is stale at once; a live writer's lock only after staleMs.
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - st.mtimeMs > staleMs;
  } catch {
    // Half-written lock file (creator between open and write): treat as held unless old.
    try { return Date.now() - (await stat(lockPath)).mtimeMs > staleMs; } catch { return true; }
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL), so two processes
 * never interleave their read-modify-write of the same store.
 * @example await withFileLock(join(dir, 'trail.lock'), () => appendEntry())
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      try { await fh.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() })); } finally { await fh.close(); }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockPath, staleMs)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) throw new FileLockTimeoutError(lockPath, Date.now() - started);
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
