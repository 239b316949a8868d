/**
 * The kernel log is one per machine: a suite that writes lines into it (/dev/kmsg) and classifies
 * what a collector reads back must not run beside another copy of itself (two worktrees, two CI
 * jobs on one runner), or each copy's planted OOM kill lands inside the other's incident window.
 * Such suites hold this machine-wide lock from their first hook to their last. The lock is the
 * product's own file lock: a holder that died leaves a stale lock the next taker removes.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../lambdas/adapters/local/file-lock.js';

/** One path for every checkout on the machine. */
const KERNEL_LOG_LOCK = join(tmpdir(), 'paramedic-test-kernel-log.lock');

/** How long a suite waits for another copy of itself to finish. */
export const KERNEL_LOG_WAIT_MS = 20 * 60_000;

/** Takes the machine's kernel-log lock; the returned function gives it back. */
export async function holdKernelLog(): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held: Promise<void> = Promise.resolve();
  await new Promise<void>((acquired, failed) => {
    held = withFileLock(
      KERNEL_LOG_LOCK,
      () => {
        acquired();
        return released;
      },
      { timeoutMs: KERNEL_LOG_WAIT_MS },
    ).catch(failed);
  });
  return async () => {
    release();
    await held;
  };
}
