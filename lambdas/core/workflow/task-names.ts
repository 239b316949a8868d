/** The names of the state machine's Task and Wait states: the contract between the definition (cdk/) and the steps. */

/** Names of the Task states, which are also the keys of the step registry (steps/index.ts). */
export const WORKFLOW_TASK_NAMES = [
  'Intake',
  'AcquireLock',
  'CollectSend',
  'Collect',
  'Classify',
  'Plan',
  'RequestApproval',
  'RecordApproval',
  'RemediateStep',
  'VerifySend',
  'Verify',
  'Escalate',
  'ReleaseLock',
  'Complete',
] as const;
/** One of {@link WORKFLOW_TASK_NAMES}. */
export type WorkflowTaskName = (typeof WORKFLOW_TASK_NAMES)[number];

/** Wait states a local run overrides (milliseconds) so it does not sleep. */
export const WORKFLOW_WAIT_STATES = ['LockBusyWait', 'VerifyWait'] as const;
