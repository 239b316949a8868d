/**
 * Every port of the workflow, in one place: the abstract I/O its steps need. Lambda handlers fill
 * them with AWS adapters (S3, DynamoDB, SSM, SNS, CloudWatch, Auto Scaling, EC2); the local
 * composition root (lambdas/local/) fills them with local adapters (files under a data directory,
 * the local command runner). The core never reads a clock or the environment itself.
 */
import type { CallerIdentity } from './caller-identity.js';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditFilter,
  ChainReport,
} from '../audit/audit-entry.js';
import type { ExecutionEventPublisher } from '../events/execution-events.js';
import type { CompiledRulebook } from '../classify/compile.js';
import type { CommandRunner, DeferredCommandRunner } from '../collection/command-runner.js';
import type { CommandWaitStore, TaskCallback } from '../collection/command-wait.js';
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { EvidencePart } from '../evidence/incident-bundle.js';
import type { KubernetesTargetResolution } from '../kubernetes/alarm-targets.js';
import type { DiagnosisBaseline, StateCheck } from '../kubernetes/state-checks.js';
import type { ActionTarget } from '../remediation/catalog.js';
import type { WorkflowConfig } from './config.js';
import type { StateDocumentStore } from './state-by-reference.js';
import type {
  ApprovalDecision,
  ClassificationSummary,
  CollectedEvidence,
  EvidenceRef,
  Plan,
  PlannedStep,
  StepOutcome,
  Target,
} from './model.js';

export type {
  CommandRunner,
  CommandRequest,
  CommandResult,
  CommandStatus,
} from '../collection/command-runner.js';

/** Time, injected. */
export interface Clock {
  now(): Date;
}

export type { EvidenceRef } from './model.js';
export type { StateDocumentStore } from './state-by-reference.js';

/** Evidence bundles, stored once and read back by reference. */
export interface EvidenceStore {
  put(key: string, bundle: EvidenceBundle): Promise<EvidenceRef>;
  get(ref: EvidenceRef | string): Promise<EvidenceBundle>;
}

/** The append-only, hash-chained audit trail. */
export interface AuditStore {
  /** Appends atomically after the current head; retries internally on a concurrent append. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Entries of one execution, in order. */
  execution(executionId: string): Promise<readonly AuditEntry[]>;
  /** Newest first; filter by target, runbook, outcome, time. */
  list(filter: AuditFilter): Promise<readonly AuditEntry[]>;
  /** Walks the whole chain; reports the first broken entry. */
  verify(): Promise<ChainReport>;
}

/**
 * What releasing one lock did: freed it, found it not this owner's, or kept it because the owner
 * marked it acting until a later time (an action it started may still be running on the target:
 * neither Step Functions' StopExecution nor a Task timeout stops a running Lambda or its SSM
 * command). A kept lock now expires at `actingUntil`, or sooner when the action returns.
 */
export type LockRelease = 'released' | 'not-held' | { readonly actingUntil: string };

/** Per-target mutual exclusion with expiry, so a crashed execution cannot hold a host forever. */
export interface LockStore {
  /**
   * True when acquired (or already held by the same owner, whose expiry is then extended). With
   * `actingUntil`, the owner is about to act on the target: the lock lasts at least until then and
   * a release before then keeps it ({@link LockRelease}). Without it, an earlier acting mark of the
   * owner is cleared: only RemediateStep marks, and it ends its mark itself once its action returned.
   */
  acquire(target: string, owner: string, ttlSeconds: number, actingUntil?: Date): Promise<boolean>;
  /**
   * Frees the target's lock only if `owner` holds it (another owner's lock is left alone) and no
   * action of the owner may still be running on it: a lock marked acting until a later time is
   * kept, its expiry cut to that time. Throws when the store failed.
   */
  release(target: string, owner: string): Promise<LockRelease>;
  /**
   * The owner's action on the target returned: clears its acting mark, or, when a release kept the
   * lock for it meanwhile (the execution was stopped), frees the lock. True when the lock was freed.
   */
  endActing(target: string, owner: string): Promise<boolean>;
  /** The owner of the target's live lease, or undefined when it is free (read-only). */
  leaseOwner?(target: string): Promise<string | undefined>;
}

/** Key/value state with conditional insert: de-duplication of deliveries, cooldowns, failure counts. */
export interface StateStore {
  /** Inserts only if absent (or expired); false when the key already exists. */
  putIfAbsent(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<boolean>;
  get(key: string): Promise<Record<string, unknown> | undefined>;
  put(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<void>;
}

/** Outbound messages: approval requests, escalations, reports. */
export interface Notifier {
  notify(message: {
    subject: string;
    body: string;
    kind: 'approval' | 'escalation' | 'report';
  }): Promise<void>;
}

/** Runs one planned step on its targets; one executor per kind of action target. */
export interface ActionExecutor {
  execute(
    step: PlannedStep,
    targets: readonly Target[],
    context: { readonly executionId: string },
  ): Promise<readonly StepOutcome[]>;
}

/** An account and region a target lives in (a spoke of a hub deployment; see targets.ts). */
export interface TargetLocation {
  readonly account: string;
  readonly region: string;
}

/**
 * Expands target names the cloud knows into instances (Auto Scaling groups, EKS nodes, private DNS
 * names); `location` is where the name lives when it is not the deployment's own account and region.
 */
export interface TargetDirectory {
  instancesOfGroup(name: string, location?: TargetLocation): Promise<readonly string[]>;
  /** The EC2 instance behind a node, or undefined when unknown. */
  instanceOfNode(
    cluster: string,
    node: string,
    location?: TargetLocation,
  ): Promise<string | undefined>;
  /** The EC2 instance with this private DNS name, or undefined when unknown. */
  instanceOfPrivateDnsName?(name: string, location?: TargetLocation): Promise<string | undefined>;
}

/**
 * The tag SendCommand's grant requires (condition `ssm:resourceTag/<key>`), read before any
 * command so an instance without it is named at Intake rather than when Collect is denied.
 */
export interface ManagedTagDirectory {
  /** The tag as `key=value`, as messages name it. */
  readonly tag: string;
  /**
   * Of `instanceIds` (all in `location`; absent: the deployment's own account and region), those
   * EC2 describes without the tag, and those it does not describe or describes as terminated.
   */
  lookUp(instanceIds: readonly string[], location?: TargetLocation): Promise<ManagedTagLookup>;
}

/** What one managed tag lookup found; ids not in either list were found carrying the tag. */
export interface ManagedTagLookup {
  /** Instances EC2 describes without the tag, in the order they were asked for. */
  readonly untagged: readonly string[];
  /**
   * Instances EC2 does not describe in that account and region (another account or region, a
   * mistyped id, an instance gone), or describes as terminated: a terminated instance is listed
   * for about an hour and then not at all, so both are one answer. SendCommand refuses them.
   */
  readonly notFound: readonly string[];
}

/** An Auto Scaling group or EKS node group a target belongs to, as it is now. */
export interface TargetGroup {
  readonly kind: 'auto-scaling-group' | 'node-group';
  readonly name: string;
  /** Every member, as target ids (instance ids; node names for nodes whose instance is unknown). */
  readonly members: readonly string[];
  /** Members out of service now, with why (`Standby`, `Terminating`, `cordoned`, `NotReady`). */
  readonly outOfService: Readonly<Record<string, string>>;
}

/**
 * Read-only: the group a target belongs to (AWS: Auto Scaling, and the cluster's nodes by their
 * `eks.amazonaws.com/nodegroup` label; locally: the groups file of the data directory), for the
 * "never more than N% of a group at once" precondition. Undefined when the target is in no group.
 */
export interface GroupMembership {
  groupOf(target: Target): Promise<TargetGroup | undefined>;
}

/** Where on a cluster an EKS target points: its node and/or pod, and the account and region of the cluster when the target has them. */
export interface ClusterLocation {
  readonly cluster: string;
  /** The cluster's account (a spoke's: read through the spoke role); absent: the deployment's own. */
  readonly account?: string;
  /** The cluster's region (with `account`). */
  readonly region?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly instanceId?: string;
  /** When the incident began (RFC 3339): the cluster's events are read from its window, like the node's logs. */
  readonly incidentTime?: string;
  /** Set when the read verifies a fix (RFC 3339): events last seen before it are left out, so only a recurrence counts. */
  readonly remediatedAt?: string;
  /** How far before `incidentTime` the cluster's events still count (the node collector's lookback); default 15. */
  readonly lookbackMinutes?: number;
}

/**
 * The Kubernetes API of the configured EKS clusters (AWS: the EKS token of the function's role, or
 * of the spoke role for a cluster in a spoke account; locally: a kubeconfig). None of its methods throws for an unreachable or forbidden API server:
 * the failure is part of the answer (an unresolved entry, an error section, an `unknown` check).
 */
export interface ClusterPort {
  /** Container Insights dimension sets -> node and pod targets (providerID, workload pods), on the clusters of `location` (absent: the deployment's own). */
  resolve(
    dimensions: readonly Readonly<Record<string, string>>[],
    location?: TargetLocation,
  ): Promise<KubernetesTargetResolution>;
  /**
   * The cluster's `k8s.*` view of each target, in order, to join with the node's SSM evidence. The
   * targets of one call are read together: what is cluster-wide is read once per cluster.
   */
  read(targets: readonly ClusterLocation[]): Promise<EvidencePart[]>;
  /** Verify: re-reads the node condition / pod state the diagnosis rested on and judges it. */
  verify(target: ClusterLocation, since: Date, baseline: DiagnosisBaseline): Promise<StateCheck[]>;
}

/** An alarm's state, with how long it needs to re-evaluate on new data. */
export interface AlarmReading {
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  /** Period × EvaluationPeriods of a metric alarm, seconds; absent when unknown (composite alarms). */
  readonly evaluationSeconds?: number;
  /** A metric alarm's dimension sets (its metric, its metric-math metrics, its Metrics Insights WHERE): what a composite parent targets. */
  readonly dimensions?: readonly Readonly<Record<string, string>>[];
  /** A metric alarm's dimension sets that name no target, with why (another service's cluster, a query pinning nothing). */
  readonly unresolved?: readonly {
    readonly dimensions: Readonly<Record<string, string>>;
    readonly reason: string;
  }[];
  /** A composite alarm's rule. */
  readonly alarmRule?: string;
  /** When the state last changed (RFC 3339): what an alarm event's `state.timestamp` is confirmed against. */
  readonly stateChangedAt?: string;
}

/** Reads an alarm's current state (verification: did it leave ALARM?), what it watches (a composite alarm's children) and its changes into ALARM (Intake's confirmation). */
export interface AlarmStateReader {
  /**
   * The alarm's reading, or undefined when there is no such alarm. `location` is the account and
   * region the alarm lives in (a spoke's forwarded alarm) when not the deployment's own: alarm
   * names are unique only within one account and region.
   */
  readAlarm(alarmName: string, location?: TargetLocation): Promise<AlarmReading | undefined>;
  /**
   * When the alarm changed into ALARM between `from` and `to` (RFC 3339, oldest first), from its
   * state history: an alarm that has left ALARM since an event still has the change on record.
   */
  changesToAlarm(
    alarmName: string,
    window: { readonly from: string; readonly to: string },
    location?: TargetLocation,
  ): Promise<readonly string[]>;
}

/** An approval request, as notified and (locally) awaited. */
export interface ApprovalRequest {
  readonly executionId: string;
  readonly taskToken?: string;
  readonly plan: Plan;
  readonly classification?: ClassificationSummary;
  readonly evidence: readonly CollectedEvidence[];
  readonly timeoutSeconds: number;
  readonly summary: string;
}

/** Local stand-in for waitForTaskToken: resolves with the decision, rejects with name `States.Timeout`. */
export interface ApprovalGate {
  waitForDecision(request: ApprovalRequest): Promise<ApprovalDecision>;
}

/**
 * How a failure a port threw is worded for the operator, one line and bounded. The adapters know
 * what their errors carry (an AWS SDK error's HTTP status and request id), the core does not, so
 * the composition root passes their wording in (lambdas/adapters/aws-sdk/aws-error-message.ts).
 */
export interface ErrorWording {
  /** `{ name, message }` as the trail records a failure; `message` is one line. */
  parts(error: unknown): { readonly name: string; readonly message: string };
  /** `Name: message` on one line, as a result message or summary ends. */
  line(error: unknown): string;
}

/** Every port and setting the workflow's steps need (each step takes a narrow `Pick` of it). */
export interface WorkflowPorts {
  readonly commands: CommandRunner;
  /** Sends without waiting (SSM): the workflow waits for completion events on a task token. Unset: `commands` runs to completion. */
  readonly deferredCommands?: DeferredCommandRunner;
  /** Registered SSM waits (the state table). Unset: kept in `state` (a local run, where nothing waits). */
  readonly commandWaits?: CommandWaitStore;
  /** Resumes a waiting Task (SendTaskSuccess). Unset locally: the Task's result is what its step returns. */
  readonly taskCallback?: TaskCallback;
  readonly evidence: EvidenceStore;
  readonly audit: AuditStore;
  readonly locks: LockStore;
  readonly state: StateStore;
  readonly notifier: Notifier;
  readonly rulebook: CompiledRulebook;
  /** The settings, with every default filled in (see resolveWorkflowConfig). */
  readonly config: WorkflowConfig;
  /** How a failure a port threw is put to the operator (in results, summaries, the trail). */
  readonly errorWording: ErrorWording;
  /** Executors by action target; docker-host / eks-node default to the SSM documents through `commands`, `none` to the notifier. */
  readonly executors?: Partial<Record<ActionTarget, ActionExecutor>>;
  readonly targets?: TargetDirectory;
  /** Which instance targets lack the managed tag (EC2); absent (local runs, no tag configured): not checked. */
  readonly managedTags?: ManagedTagDirectory;
  /** EKS clusters' API; absent: EKS targets get an explicit "no cluster access" section and unknown checks. */
  readonly cluster?: ClusterPort;
  /**
   * CloudWatch's alarms (their state, a composite's children) and the source Intake confirms an
   * alarm event against; absent only where there is no CloudWatch (a local run: alarm-confirmation.ts).
   */
  readonly alarms?: AlarmStateReader;
  /** Groups of targets (Plan's group share precondition); absent: that precondition cannot decide, so it holds the target. */
  readonly groups?: GroupMembership;
  /** Status events ("Paramedic Execution Status Change"): EventBridge on AWS, a file locally; absent publishes nothing. */
  readonly events?: ExecutionEventPublisher;
  /** Where results too large for the execution state are kept (state-by-reference.ts); absent keeps every result inline. */
  readonly stateDocuments?: StateDocumentStore;
  /** Local runs only: answers RequestApproval in-process (waitForTaskToken is not emulated locally). */
  readonly approvals?: ApprovalGate;
  /** Who started a manual run, authenticated (core/workflow/caller-identity.ts); absent: recorded as unauthenticated. */
  readonly caller?: CallerIdentity;
}
