/**
 * Executions that stopped without finishing: a local run killed mid-way (kill -9, a closed
 * terminal) leaves its record "RUNNING" for ever, and on AWS a Step Functions execution can end
 * (aborted, timed out) without its last step writing the outcome. Pure: the caller supplies the
 * records, who is alive and what AWS says; it writes the closing record and audit entry.
 * Wired locally by lambdas/local/interrupted-runs.ts (every triage, run and console start).
 */

/** Who runs a local execution: enough to tell a crashed runner from a busy one. */
export interface ExecutionOwner {
  readonly pid: number;
  readonly host: string;
}

/** An execution whose record says it is still running. */
export interface RunningExecution {
  readonly executionId: string;
  readonly startedAt: string;
  /** Absent for records written before owners were recorded. */
  readonly owner?: ExecutionOwner;
}

/** What the caller knows about this machine and time. */
export interface LivenessProbe {
  readonly host: string;
  readonly now: Date;
  isAlive(pid: number): boolean;
  /** A record without an owner is interrupted only when older than this (default 24 h). */
  readonly ownerlessAfterMs?: number;
}

/** One execution to close as interrupted, and why. */
export interface InterruptedExecution {
  readonly executionId: string;
  readonly reason: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Local executions that were interrupted: owner process gone on this host, or no owner recorded
 * and older than a day. An owner on another host is never judged from here (its pid means nothing).
 * @example findInterruptedLocal(records, { host: hostname(), now: new Date(), isAlive })
 */
export function findInterruptedLocal(
  running: readonly RunningExecution[],
  probe: LivenessProbe,
): InterruptedExecution[] {
  const out: InterruptedExecution[] = [];
  for (const execution of running) {
    const { owner } = execution;
    if (owner) {
      if (owner.host === probe.host && !probe.isAlive(owner.pid)) {
        out.push({
          executionId: execution.executionId,
          reason: `its runner (pid ${owner.pid} on ${owner.host}) is gone`,
        });
      }
      continue;
    }
    const age = probe.now.getTime() - Date.parse(execution.startedAt);
    if (Number.isFinite(age) && age > (probe.ownerlessAfterMs ?? DAY_MS)) {
      out.push({
        executionId: execution.executionId,
        reason: `no runner recorded and started ${Math.floor(age / 3600_000)} h ago`,
      });
    }
  }
  return out;
}

/** Step Functions execution statuses (DescribeExecution `status`). */
export type SfnExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/**
 * On AWS: an execution whose record is still running but whose Step Functions execution has
 * ended was interrupted (its outcome step never ran). Running or succeeded ones are left alone.
 * @example interruptedOnAws('exec-1', 'ABORTED') // { executionId: 'exec-1', reason: 'the Step Functions execution was aborted' }
 */
export function interruptedOnAws(
  executionId: string,
  status: SfnExecutionStatus,
): InterruptedExecution | undefined {
  switch (status) {
    case 'ABORTED':
      return { executionId, reason: 'the Step Functions execution was aborted' };
    case 'TIMED_OUT':
      return { executionId, reason: 'the Step Functions execution timed out' };
    case 'FAILED':
      return {
        executionId,
        reason: 'the Step Functions execution failed before recording an outcome',
      };
    case 'PENDING_REDRIVE':
      return { executionId, reason: 'the Step Functions execution failed and waits for a redrive' };
    default:
      return undefined;
  }
}
