/**
 * How an execution ends once Complete has recorded its outcome. A run that needs a person ends in
 * a Fail state, so Step Functions' ExecutionsFailed metric, the console and `DescribeExecution`
 * show it; a remediated, reported, dry-run, skipped or duplicate run ends in a Succeed state.
 * Shared by the definition (cdk/workflow/workflow-definition.ts), the local runner and the CLI.
 */

/** The `Failed` state's error: a step failed; the lock was released and the failure is on the trail. */
export const WORKFLOW_FAILED_ERROR = 'RemediationWorkflowFailed';
/** The `Escalated` state's error: remediation was escalated (a fix failed, did not help, or the runbook asks for a person). */
export const REMEDIATION_ESCALATED_ERROR = 'RemediationEscalated';

/** The `LocksNotReleased` state's error: the run recorded its outcome, but ReleaseLock failed after its retries. */
export const LOCKS_NOT_RELEASED_ERROR = 'TargetLocksNotReleased';

/** The errors of the workflow's own Fail states: each comes after Complete, so the run's outcome is recorded. */
export const RECORDED_END_ERRORS: readonly string[] = [
  WORKFLOW_FAILED_ERROR,
  REMEDIATION_ESCALATED_ERROR,
  LOCKS_NOT_RELEASED_ERROR,
];

/** The `Escalated` state's cause: what to do, since the console shows it first. */
export const ESCALATED_CAUSE =
  "Remediation was escalated: a person must act on this incident. The escalation notification and the execution's audit trail (paramedic audit show <execution ARN> --aws) say why and what was rolled back";

/** The `LocksNotReleased` state's cause: what is wrong and what to do. */
export const LOCKS_NOT_RELEASED_CAUSE =
  'The run recorded its outcome, but ReleaseLock failed after its retries: some of its targets stay locked until the lock expiry, and later alarms on them wait and give up. ExecutionInterrupted retries the release now; the audit trail (paramedic audit show <execution ARN> --aws) lists the targets still locked. To free them sooner, delete their lock# items from the state table';

/**
 * True when an error thrown by a local execution is one of the workflow's own Fail states (the
 * run completed and recorded its outcome), not a crash of the runner or a broken state.
 * aws-local-stepfunctions rejects with an ExecutionError whose `cause` is the Fail state's error.
 */
export function endedInRecordedFailState(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | null)?.cause;
  return typeof cause?.name === 'string' && RECORDED_END_ERRORS.includes(cause.name);
}
