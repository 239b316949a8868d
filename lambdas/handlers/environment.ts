/**
 * The environment variables the workflow Lambdas read, and which handler file serves which Task
 * state. Shared with CDK (cdk/constructs/house-function.ts binds them) so names cannot drift.
 */
import type { WorkflowTaskName } from './workflow-tasks.js';

/** Environment variable names. */
export const ENV = {
  evidenceBucket: 'PARAMEDIC_EVIDENCE_BUCKET',
  auditTable: 'PARAMEDIC_AUDIT_TABLE',
  stateTable: 'PARAMEDIC_STATE_TABLE',
  idempotencyTable: 'PARAMEDIC_IDEMPOTENCY_TABLE',
  topicArn: 'PARAMEDIC_TOPIC_ARN',
  /** JSON of Partial<WorkflowConfig>. */
  config: 'PARAMEDIC_CONFIG',
  /** Overrides where the runbook YAML files are (default: `runbooks/` beside the bundle). */
  runbookDir: 'PARAMEDIC_RUNBOOK_DIR',
} as const;

/** The handler file (under lambdas/handlers/) of each Task state. */
export const TASK_HANDLER_FILES: Readonly<Record<WorkflowTaskName, string>> = {
  Intake: 'intake.ts', AcquireLock: 'acquire-lock.ts', Collect: 'collect.ts', Classify: 'classify.ts', Plan: 'plan.ts',
  RequestApproval: 'request-approval.ts', RecordApproval: 'record-approval.ts', RemediateStep: 'remediate-step.ts',
  Verify: 'verify.ts', Escalate: 'escalate.ts', ReleaseLock: 'release-lock.ts', Complete: 'complete.ts',
};

/** Tasks whose retry must not repeat side effects (SendCommand, notifications): wrapped in Powertools idempotency. */
export const IDEMPOTENT_TASKS: ReadonlySet<WorkflowTaskName> = new Set(['Collect', 'RemediateStep', 'Verify', 'Escalate', 'RequestApproval', 'Complete']);

/** The ports a workflow Lambda wires per handler (every function has the DynamoDB ones, the clock and the settings). */
export type HandlerPortName = 'commands' | 'evidence' | 'notifier' | 'targets' | 'alarms' | 'rulebook';

/**
 * The ports each Task's function uses, so each bundle carries only those SDK clients (and the YAML
 * runbook loader only where runbooks are read). The
 * handler files wire exactly these (a test checks); a port left out fails with PortNotWiredError.
 */
export const TASK_PORTS: Readonly<Record<WorkflowTaskName, readonly HandlerPortName[]>> = {
  Intake: ['targets', 'rulebook'],
  AcquireLock: [],
  Collect: ['commands', 'evidence'],
  Classify: ['evidence', 'rulebook'],
  Plan: ['rulebook'],
  RequestApproval: ['notifier'],
  RecordApproval: [],
  // `report` steps notify; host steps run documents.
  RemediateStep: ['commands', 'notifier'],
  Verify: ['commands', 'evidence', 'alarms', 'rulebook'],
  Escalate: ['notifier'],
  ReleaseLock: [],
  Complete: ['notifier'],
};
