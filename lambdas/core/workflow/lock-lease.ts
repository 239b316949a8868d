/**
 * How long a per-target lock lasts and how it is kept. The lock must outlive the longest stretch
 * with no step to renew it: Plan (≤ 14 min) then the approval wait, since Plan renews it; before
 * that, CollectSend, Collect and Classify (about 40 minutes at their timeouts) sit well inside one
 * lease. From there every RemediateStep and Verify renews it (a re-acquire by the same owner
 * extends the expiry) before acting, so a long remediation loop never outlives its lock either.
 * The margin also absorbs a throttled Task's retries (Lambda.TooManyRequestsException, about 31
 * minutes expected at worst, workflow-definition.ts). A lock that
 * expired and was taken by another execution is never taken back: the step fails before changing
 * anything. RemediateStep's renewal also marks the locks of the targets it is about to act on as
 * acting until its action's deadline (acting-deadline.ts): a release before then (ReleaseLock after
 * its function timed out, ExecutionInterrupted after StopExecution) keeps them until the action
 * returns or its time is up, since neither stops the action.
 */
import { lockKey } from './dedupe.js';
import type { IntakeResult } from './model.js';
import type { WorkflowPorts } from './ports.js';

/** Margin over the approval wait: Plan's 14-minute Task, RecordApproval, and a throttled Task's retries. */
export const LOCK_MARGIN_SECONDS = 3600;

/** The lock TTL that covers AcquireLock → RequestApproval's timeout. @example lockTtlFor(3600) // 7200 */
export function lockTtlFor(approvalTimeoutSeconds: number): number {
  return approvalTimeoutSeconds + LOCK_MARGIN_SECONDS;
}

/** The name of {@link LockLostError}, as a caught error's `Error` carries it in the execution state. */
export const LOCK_LOST_ERROR = 'LockLostError';

/** The execution lost a target's lock (it expired and another execution holds it): nothing was changed. */
export class LockLostError extends Error {
  constructor(
    readonly task: string,
    readonly target: string,
  ) {
    super(
      `${task}: the lock on ${target} expired and another execution holds it; nothing was changed by this step. Check that execution's audit trail, then run again if still needed`,
    );
    this.name = LOCK_LOST_ERROR;
  }
}

/** Targets a step is about to act on, and until when its action may run on them. */
export interface ActingMark {
  readonly targets: ReadonlySet<string>;
  readonly until: Date;
}

/**
 * Extends every target's lock by the configured TTL, marking those in `acting` as acting until its
 * deadline (and clearing any earlier mark on the others); throws {@link LockLostError} when one is
 * held by another execution.
 */
export async function renewLocks(
  ports: Pick<WorkflowPorts, 'locks' | 'config'>,
  task: string,
  executionId: string,
  intake: IntakeResult,
  acting?: ActingMark,
): Promise<void> {
  for (const id of intake.targets.map((t) => t.id).sort()) {
    const until = acting?.targets.has(id) ? acting.until : undefined;
    if (!(await ports.locks.acquire(lockKey(id), executionId, ports.config.lockTtlSeconds, until)))
      throw new LockLostError(task, id);
  }
}

/** endActing calls in flight at once (as releases: lock-release.ts). */
const END_ACTING_CONCURRENCY = 25;

/**
 * The step's action returned: clears the acting mark of its targets' locks, and frees those a
 * release kept for it meanwhile (the execution was stopped while it acted). Returns the freed
 * targets. Best effort: a mark it fails to clear only keeps that lock until its deadline (a later
 * release records it as acting), never frees one too early, so a store error is not worth failing
 * a step whose action already ran.
 */
export async function endActing(
  ports: Pick<WorkflowPorts, 'locks'>,
  executionId: string,
  targetIds: readonly string[],
): Promise<string[]> {
  const freed: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targetIds.length) {
      const id = targetIds[next++]!;
      try {
        if (await ports.locks.endActing(lockKey(id), executionId)) freed.push(id);
      } catch {
        // Kept until its deadline: see above.
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(END_ACTING_CONCURRENCY, targetIds.length) }, worker),
  );
  return freed.sort();
}
