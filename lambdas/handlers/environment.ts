/**
 * The one declaration of what each workflow Lambda wires: its handler file and the ports it uses,
 * each with the access it needs. The handler wiring (aws-ports.ts) and CDK (the pipeline stack,
 * through cdk/constructs/port-bindings.ts) both read {@link TASK_PORTS}, so a function's
 * environment variables and IAM grants follow from its ports and cannot drift from them.
 */
import type { WorkflowTaskName } from '../core/workflow/task-names.js';

/** Environment variable names. */
export const ENV = {
  evidenceBucket: 'PARAMEDIC_EVIDENCE_BUCKET',
  auditTable: 'PARAMEDIC_AUDIT_TABLE',
  stateTable: 'PARAMEDIC_STATE_TABLE',
  idempotencyTable: 'PARAMEDIC_IDEMPOTENCY_TABLE',
  topicArn: 'PARAMEDIC_TOPIC_ARN',
  /** JSON of Partial<WorkflowConfig>. */
  config: 'PARAMEDIC_CONFIG',
  /** Overrides the compiled runbooks file (default: `runbooks.json` beside the bundle). */
  runbooksJson: 'PARAMEDIC_RUNBOOKS_JSON',
} as const;

/** The handler file (under lambdas/handlers/) of each Task state. */
export const TASK_HANDLER_FILES: Readonly<Record<WorkflowTaskName, string>> = {
  Intake: 'intake.ts', AcquireLock: 'acquire-lock.ts', Collect: 'collect.ts', Classify: 'classify.ts', Plan: 'plan.ts',
  RequestApproval: 'request-approval.ts', RecordApproval: 'record-approval.ts', RemediateStep: 'remediate-step.ts',
  Verify: 'verify.ts', Escalate: 'escalate.ts', ReleaseLock: 'release-lock.ts', Complete: 'complete.ts',
};

/**
 * Each port a workflow Lambda can wire, with the kinds of access it can be granted:
 * `audit` (the trail, append only), `state` (locks, de-duplication, approvals), `idempotency`
 * (Powertools' retry record: retries must not repeat SendCommand or notifications), `commands`
 * (SSM: the collector documents or the action documents), `evidence` (the bucket), `notifier`
 * (the topic), `targets` (Auto Scaling and EC2 lookups), `alarms` (CloudWatch), `rulebook` (the
 * runbooks shipped beside the bundle).
 */
export interface PortAccess {
  readonly audit: 'append';
  readonly state: 'readWrite';
  readonly idempotency: 'readWrite';
  readonly commands: 'collectors' | 'actions';
  readonly evidence: 'read' | 'readWrite';
  readonly notifier: 'publish';
  readonly targets: 'describe';
  readonly alarms: 'describe';
  readonly rulebook: 'bundled';
}
/** A port's name. */
export type PortName = keyof PortAccess;
/** The ports of one Lambda, with their access. */
export type PortList = { readonly [P in PortName]?: PortAccess[P] };
/** Ports every workflow Lambda builds itself (DynamoDB); the others come from the factories its handler file imports. */
export const BASE_PORTS = ['audit', 'state', 'idempotency'] as const satisfies readonly PortName[];
/** A port a handler file wires through a factory (one SDK client, or the runbook loader). */
export type HandlerPortName = Exclude<PortName, (typeof BASE_PORTS)[number]>;

const CORE: PortList = { audit: 'append', state: 'readWrite' };
/** Retried Tasks whose side effects must not repeat are wrapped in Powertools idempotency. */
const ONCE: PortList = { ...CORE, idempotency: 'readWrite' };

/** The ports each Task's Lambda wires, so each bundle carries only those SDK clients and each role only those grants. */
export const TASK_PORTS: Readonly<Record<WorkflowTaskName, PortList>> = {
  Intake: { ...CORE, targets: 'describe', rulebook: 'bundled' },
  AcquireLock: CORE,
  Collect: { ...ONCE, commands: 'collectors', evidence: 'readWrite' },
  Classify: { ...CORE, evidence: 'read', rulebook: 'bundled' },
  Plan: { ...CORE, rulebook: 'bundled' },
  RequestApproval: { ...ONCE, notifier: 'publish' },
  RecordApproval: CORE,
  // `report` steps notify; host steps run documents.
  RemediateStep: { ...ONCE, commands: 'actions', notifier: 'publish' },
  Verify: { ...ONCE, commands: 'collectors', evidence: 'readWrite', alarms: 'describe', rulebook: 'bundled' },
  Escalate: { ...ONCE, notifier: 'publish' },
  ReleaseLock: CORE,
  Complete: { ...ONCE, notifier: 'publish' },
};

/** The ports a handler file must wire through factories (TASK_PORTS without the base ports). */
export function handlerPorts(task: WorkflowTaskName): HandlerPortName[] {
  return (Object.keys(TASK_PORTS[task]) as PortName[]).filter((p): p is HandlerPortName => !(BASE_PORTS as readonly string[]).includes(p));
}

/** True when the Task's retries are de-duplicated by the idempotency layer. */
export function isIdempotentTask(task: WorkflowTaskName): boolean {
  return TASK_PORTS[task].idempotency !== undefined;
}
