/**
 * How long a per-target lock lasts and how it is kept. The lock must outlive the longest stretch
 * with no step to renew it: Plan (≤ 14 min) then the approval wait, since Plan renews it; before
 * that, CollectSend, Collect and Classify (about 40 minutes at their timeouts) sit well inside one
 * lease. From there every RemediateStep and Verify renews it (a re-acquire by the same owner
 * extends the expiry) before acting, so a long remediation loop never outlives its lock either.
 * The margin also absorbs a throttled Task's retries (Lambda.TooManyRequestsException, about 31
 * minutes expected at worst, workflow-definition.ts). A lock that
 * expired and was taken by another execution is never taken back: the step fails before changing
 * anything.
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

/** Extends every target's lock by the configured TTL; throws {@link LockLostError} when one is held by another execution. */
export async function renewLocks(
  ports: Pick<WorkflowPorts, 'locks' | 'config'>,
  task: string,
  executionId: string,
  intake: IntakeResult,
): Promise<void> {
  for (const id of intake.targets.map((t) => t.id).sort()) {
    if (!(await ports.locks.acquire(lockKey(id), executionId, ports.config.lockTtlSeconds)))
      throw new LockLostError(task, id);
  }
}
