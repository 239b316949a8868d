/**
 * Some things are one per machine: the kernel log, the process table. A suite that plants lines in
 * the kernel log (/dev/kmsg), or starts a process under a daemon's name (a `kubelet` the collector
 * finds with `pgrep -x`), and reads back what a collector sees must not run beside another copy of
 * itself (two worktrees, two CI jobs on one runner), or each copy reads the other's: an OOM kill
 * inside its incident window, a second kubelet with another environment. Such suites hold a
 * machine-wide lock per resource from their first hook to their last. The lock is the product's own
 * file lock: a holder that died leaves a stale lock the next taker removes.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../lambdas/adapters/local/file-lock.js';

/** How long a suite waits for another copy of itself to finish. */
export const MACHINE_LOCK_WAIT_MS = 20 * 60_000;

/** Takes the machine's lock on `resource` (one path for every checkout); the returned function gives it back. */
export async function holdMachineLock(
  resource: 'kernel-log' | 'kubelet-process',
): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held: Promise<void> = Promise.resolve();
  await new Promise<void>((acquired, failed) => {
    held = withFileLock(
      join(tmpdir(), `paramedic-test-${resource}.lock`),
      () => {
        acquired();
        return released;
      },
      { timeoutMs: MACHINE_LOCK_WAIT_MS },
    ).catch(failed);
  });
  return async () => {
    release();
    await held;
  };
}
