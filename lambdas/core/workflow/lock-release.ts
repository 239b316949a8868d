/**
 * Giving back a run's per-target locks. Every release is conditional on the owner (a lock that
 * expired and was taken by another execution is left alone), so releasing every target of the run
 * is safe whether or not AcquireLock returned: it is how a lock taken by an AcquireLock that failed
 * part-way (a throttled write, its Task timeout) is freed. Releases run a few at a time, since a
 * run may have up to 1,000 targets and DynamoDB has no conditional batch delete (BatchWriteItem
 * takes no condition; a transaction fails whole on one foreign lock). A lock the run marked acting
 * (RemediateStep, while its action may still run on the host) is not freed before the action's
 * deadline: it is kept until then, or until the action returns (LockStore.release).
 */
import type { AuditPayloads } from '../audit/audit-entry.js';
import { lockKey } from './dedupe.js';
import type { WorkflowPorts } from './ports.js';

/**
 * Releases in flight at once: 1,000 targets take ~40 rounds of one DynamoDB round trip (well under
 * a second, far inside the 60 s Task timeout), without a burst that would throttle the table.
 */
export const RELEASE_CONCURRENCY = 25;

/** Targets a release kept locked because an action of the run may still be running on them, until its deadline. */
export interface ActingLocks {
  readonly until: string;
  readonly targets: readonly string[];
}

/** What releasing did: the targets freed, those not held by this run, those kept while an action may run, and those whose release failed (with the first error). */
export interface LockReleaseReport {
  readonly released: readonly string[];
  readonly notHeld: readonly string[];
  /** Kept locked (their expiry cut to the deadline) because the run's action may still run on them; by deadline. */
  readonly acting: readonly ActingLocks[];
  readonly failed: readonly string[];
  /** The first failure, `Name: message` on one line (WorkflowPorts.errorWording), when any release failed. */
  readonly error?: string;
}

/** Some of the run's locks could not be released: they stay held until their expiry unless released. */
export class LockReleaseError extends Error {
  constructor(
    readonly task: string,
    readonly failed: readonly string[],
    readonly firstError: string,
  ) {
    const shown = failed.slice(0, 10).join(', ');
    const more = failed.length > 10 ? ` and ${failed.length - 10} more` : '';
    super(
      `${task}: could not release the lock of ${failed.length} target(s) (${shown}${more}): ${firstError}. They stay locked until their expiry; the release is retried, and ExecutionInterrupted retries it once the execution ends. To free them sooner, delete their lock# items from the state table`,
    );
    this.name = 'LockReleaseError';
  }
}

/** Releases this execution's locks on `targetIds`; never throws: a failed release is reported, and the others still run. */
export async function releaseLocks(
  ports: Pick<WorkflowPorts, 'locks' | 'errorWording'>,
  executionId: string,
  targetIds: readonly string[],
): Promise<LockReleaseReport> {
  const released: string[] = [];
  const notHeld: string[] = [];
  const failed: string[] = [];
  const acting = new Map<string, string[]>();
  let error: string | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targetIds.length) {
      const id = targetIds[next++]!;
      try {
        const outcome = await ports.locks.release(lockKey(id), executionId);
        if (outcome === 'released') released.push(id);
        else if (outcome === 'not-held') notHeld.push(id);
        else acting.set(outcome.actingUntil, [...(acting.get(outcome.actingUntil) ?? []), id]);
      } catch (e) {
        failed.push(id);
        error ??= ports.errorWording.line(e);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(RELEASE_CONCURRENCY, targetIds.length) }, worker),
  );
  // Reported in the targets' order, whatever order the releases finished in.
  const order = new Map(targetIds.map((id, i) => [id, i]));
  const sorted = (ids: string[]) => ids.sort((a, b) => order.get(a)! - order.get(b)!);
  return {
    released: sorted(released),
    notHeld: sorted(notHeld),
    acting: [...acting]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([until, targets]) => ({ until, targets: sorted(targets) })),
    failed: sorted(failed),
    ...(error ? { error } : {}),
  };
}

/** The `released` entry of a release: what it freed and, when some failed, which and why (the one place it is built). */
export function releasedEntry(report: LockReleaseReport): AuditPayloads['released'] {
  return {
    released: [...report.released],
    ...(report.acting.length ? { acting: report.acting } : {}),
    ...(report.failed.length ? { failed: [...report.failed], error: report.error } : {}),
  };
}
