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
  /** The deployment's state machine: ExecutionInterrupted acts only on its executions. */
  stateMachineArn: 'PARAMEDIC_STATE_MACHINE_ARN',
} as const;

/** The handler file (under lambdas/handlers/) of each Task state. */
export const TASK_HANDLER_FILES: Readonly<Record<WorkflowTaskName, string>> = {
  Intake: 'intake.ts',
  AcquireLock: 'acquire-lock.ts',
  CollectSend: 'collect-send.ts',
  Collect: 'collect.ts',
  Classify: 'classify.ts',
  Plan: 'plan.ts',
  RequestApproval: 'request-approval.ts',
  RecordApproval: 'record-approval.ts',
  RemediateStep: 'remediate-step.ts',
  VerifySend: 'verify-send.ts',
  Verify: 'verify.ts',
  Escalate: 'escalate.ts',
  ReleaseLock: 'release-lock.ts',
  Complete: 'complete.ts',
};

/**
 * Each port a workflow Lambda can wire, with the kinds of access it can be granted:
 * `audit` (the trail, append only), `state` (locks, de-duplication, approvals), `idempotency`
 * (Powertools' retry record: retries must not repeat SendCommand or notifications), `stateDocuments`
 * (step results too large for the execution state, in the evidence bucket), `commands`
 * (SSM: the collector documents or the action documents), `evidence` (the bucket), `notifier`
 * (the topic), `events` (status events on the bus), `targets` (Auto Scaling and EC2 lookups), `alarms` (CloudWatch), `rulebook` (the
 * runbooks shipped beside the bundle), `cluster` (the configured EKS clusters' API, read-only:
 * alarm resolution, the k8s.* view, Verify's re-read), `executors` (the catalogue's `kubernetes`
 * and `aws` actions: cordon, drain, delete pod, … and node replacement through Auto Scaling),
 * `taskCallback` (SendTaskSuccess on the workflow: resuming a Task that waits for SSM's completion events).
 */
export interface PortAccess {
  readonly audit: 'append';
  readonly state: 'readWrite';
  readonly idempotency: 'readWrite';
  /** `read`: reads results and audit payloads stored by reference, stores none. */
  readonly stateDocuments: 'read' | 'readWrite';
  /** `action-dry-runs`: the action documents (run with dryRun=1), without the actions' other grants. */
  readonly commands: 'collectors' | 'actions' | 'action-dry-runs';
  readonly evidence: 'read' | 'readWrite';
  readonly notifier: 'publish';
  readonly events: 'publish';
  readonly targets: 'describe';
  /** Which instance targets lack the managed tag SendCommand requires (DescribeInstances). */
  readonly managedTags: 'describe';
  readonly alarms: 'describe';
  readonly rulebook: 'bundled';
  readonly cluster: 'read';
  readonly executors: 'cluster-actions';
  readonly taskCallback: 'respond';
  /** The group of a target (Auto Scaling, EKS node groups through the cluster), read-only: the group share precondition. */
  readonly groups: 'describe';
}
/** A port's name. */
export type PortName = keyof PortAccess;
/** The ports of one Lambda, with their access. */
export type PortList = { readonly [P in PortName]?: PortAccess[P] };
/** Ports every workflow Lambda builds itself (DynamoDB, and S3 for results stored by reference); the others come from the factories its handler file imports. */
export const BASE_PORTS = [
  'audit',
  'state',
  'idempotency',
  'stateDocuments',
] as const satisfies readonly PortName[];
/** A port a handler file wires through a factory (one SDK client, or the runbook loader). */
export type HandlerPortName = Exclude<PortName, (typeof BASE_PORTS)[number]>;

const CORE: PortList = { audit: 'append', state: 'readWrite', stateDocuments: 'readWrite' };
/** Retried Tasks whose side effects must not repeat are wrapped in Powertools idempotency. */
const ONCE: PortList = { ...CORE, idempotency: 'readWrite' };

/** The ports each Task's Lambda wires, so each bundle carries only those SDK clients and each role only those grants. */
export const TASK_PORTS: Readonly<Record<WorkflowTaskName, PortList>> = {
  // `cluster`: Container Insights node/pod alarms resolve through the API (providerID, workload pods).
  // `events`: the steps that reach a milestone publish it (started, classified, awaiting-approval, remediated, verified, escalated, failed).
  // `alarms`: the alarm event is confirmed at CloudWatch (DescribeAlarms, DescribeAlarmHistory); a composite alarm's targets are its children's.
  // `managedTags`: instance targets without the managed tag are named before any SendCommand is denied.
  Intake: {
    ...CORE,
    targets: 'describe',
    managedTags: 'describe',
    rulebook: 'bundled',
    cluster: 'read',
    events: 'publish',
    alarms: 'describe',
  },
  AcquireLock: CORE,
  // The send halves of Collect and Verify wait on a task token; they resume it themselves when nothing is left to wait for.
  CollectSend: { ...ONCE, commands: 'collectors', taskCallback: 'respond' },
  // `commands`: reads each command's outcome once (ListCommandInvocations, output from S3) and cancels what still runs.
  Collect: { ...ONCE, commands: 'collectors', evidence: 'readWrite', cluster: 'read' },
  Classify: { ...CORE, evidence: 'read', rulebook: 'bundled', events: 'publish' },
  // Preconditions read the triage evidence; a dry run runs the action documents with dryRun=1.
  // `groups`: "never more than N% of a group at once" reads the target's group before planning.
  Plan: {
    ...CORE,
    commands: 'action-dry-runs',
    evidence: 'read',
    rulebook: 'bundled',
    groups: 'describe',
  },
  RequestApproval: { ...ONCE, notifier: 'publish', events: 'publish' },
  RecordApproval: CORE,
  // `report` steps notify; host steps run documents; Kubernetes and AWS node steps call the cluster and Auto Scaling.
  // `rulebook` and `groups`: the group share preconditions are judged again on the groups as they are when a step acts.
  RemediateStep: {
    ...ONCE,
    commands: 'actions',
    notifier: 'publish',
    executors: 'cluster-actions',
    events: 'publish',
    rulebook: 'bundled',
    groups: 'describe',
  },
  VerifySend: { ...ONCE, commands: 'collectors', taskCallback: 'respond' },
  Verify: {
    ...ONCE,
    commands: 'collectors',
    evidence: 'readWrite',
    alarms: 'describe',
    rulebook: 'bundled',
    cluster: 'read',
    events: 'publish',
  },
  // Escalate first rolls back the completed steps (their inverse actions: documents, or the cluster's for uncordon).
  Escalate: {
    ...ONCE,
    commands: 'actions',
    notifier: 'publish',
    executors: 'cluster-actions',
    events: 'publish',
  },
  ReleaseLock: CORE,
  Complete: { ...ONCE, notifier: 'publish', events: 'publish' },
};

/** Lambdas outside the workflow's Tasks that CDK wires from this declaration too: handler file and ports. */
export const EVENT_HANDLERS = {
  /** SSM's command status-change events -> completion marks and waits in the state table; the last one resumes the waiting Task (handlers/command-completed.ts). */
  CommandCompleted: {
    file: 'command-completed.ts',
    ports: { state: 'readWrite', taskCallback: 'respond' },
  },
  /**
   * Step Functions' status-change events (failed, timed out, aborted) -> an `interrupted` entry, locks released, a `failed` event (handlers/execution-interrupted.ts).
   * `stateDocuments`: a large fleet's `triggered` entry, whose targets say which locks to release, is stored by reference.
   */
  ExecutionInterrupted: {
    file: 'execution-interrupted.ts',
    ports: { audit: 'append', state: 'readWrite', stateDocuments: 'read', events: 'publish' },
  },
} as const satisfies Readonly<Record<string, { readonly file: string; readonly ports: PortList }>>;

/** The ports a handler file must wire through factories (TASK_PORTS without the base ports). */
export function handlerPorts(task: WorkflowTaskName): HandlerPortName[] {
  return (Object.keys(TASK_PORTS[task]) as PortName[]).filter(
    (p): p is HandlerPortName => !(BASE_PORTS as readonly string[]).includes(p),
  );
}

/** True when the Task's retries are de-duplicated by the idempotency layer. */
export function isIdempotentTask(task: WorkflowTaskName): boolean {
  return TASK_PORTS[task].idempotency !== undefined;
}
