/**
 * The data that flows through the remediation workflow (the Step Functions execution state).
 * Every field is plain JSON and small: evidence travels as references, never inline, so the
 * state stays far below the 256 KB limit even for many targets.
 */
import type { ActionRisk, ActionTarget } from '../remediation/catalog.js';
import type { Platform } from '../evidence/bundle.js';

/** A stored evidence bundle: where it is and what it hashes to. Evidence travels by reference. */
export interface EvidenceRef {
  /** `s3://bucket/key` on AWS, `file:///…` locally. */
  readonly uri: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * Every final outcome an execution can have (on the audit trail's `completed` entry, or
 * `interrupted` when the run ended without writing one): the one list filters validate against.
 */
export const AUDIT_OUTCOMES = [
  'remediated',
  'dry-run',
  'reported',
  'rejected',
  'timed-out',
  'escalated',
  'unclassified',
  'skipped',
  'failed',
  'interrupted',
] as const;

/** The final outcome of an execution. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Recorded evidence to classify instead of running a collector. */
export interface ReplaySource {
  /** The bundle, already stored (the local root stores the file once; on AWS, an object in the evidence bucket). */
  readonly evidence: EvidenceRef;
  /** Where it was recorded from (a file name), for the audit trail. */
  readonly origin?: string;
}

/** A validated manual request (manual-input.ts validates it). */
export interface ManualInput {
  /** Absent only on a replay (the classification picks the runbook). */
  readonly runbookId?: string;
  readonly target: string;
  readonly mode: 'dry-run' | 'execute';
  readonly invokedBy: string;
  readonly platform?: Platform;
  readonly replay?: ReplaySource;
}

/** One host or node the workflow acts on; `id` is the lock key and the command target. */
export interface Target {
  /** EC2 instance id (`i-…`), or `local` for this machine. */
  readonly id: string;
  readonly platform: Platform;
  readonly instanceId?: string;
  readonly cluster?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  /** The account the target lives in, when the alarm or the target string says (a spoke of a hub; absent: the hub's own). */
  readonly account?: string;
  /** The region the target lives in (with `account`). */
  readonly region?: string;
}

/** How the execution was started: an alarm, a manual run, or a replay of recorded evidence. */
export type TriggerKind = 'alarm' | 'manual' | 'replay';

/** Manual runs choose; alarm runs follow the configuration. */
export type RunMode = 'alarm' | 'dry-run' | 'execute';

/** What started the execution, as recorded in the audit trail. */
export interface Trigger {
  readonly kind: TriggerKind;
  /** `alarm:<name>`, or the authenticated caller of a manual run (`user:<os user>` locally, `iam:…` on AWS). */
  readonly actor: string;
  /** Manual runs: who the input claimed started it (`invokedBy`); a claim, never the actor. */
  readonly requestedBy?: string;
  readonly alarmName?: string;
  /** Alarm runs: the account the alarm is in (a spoke's forwarded alarm, or the hub's), where Verify reads it again. */
  readonly alarmAccount?: string;
  /** Alarm runs: the region the alarm is in (with `alarmAccount`). */
  readonly alarmRegion?: string;
  readonly alarmReason?: string;
  /** Replays: the recorded file the evidence came from. */
  readonly origin?: string;
  readonly at: string;
}

/** Result of the Intake step. */
export interface IntakeResult {
  readonly executionId: string;
  readonly trigger: Trigger;
  readonly mode: RunMode;
  readonly targets: readonly Target[];
  /** The runbook a manual run asked for; alarm runs learn it from classification. */
  readonly runbookId?: string;
  /** Replays: the stored evidence Collect records instead of running a collector. */
  readonly replay?: ReplaySource;
  /** True when the execution stops at intake: this delivery repeats one already being handled, or the alarm's actions are suppressed. */
  readonly duplicate: boolean;
  readonly dedupeKey: string;
  readonly startedAt: string;
}

/** Result of AcquireLock. */
export interface LockResult {
  readonly acquired: boolean;
  readonly attempts: number;
  /** True when the lock stayed busy through every attempt: the execution ends as skipped. */
  readonly gaveUp: boolean;
  readonly owner: string;
}

/** One target's evidence after collection. */
export interface CollectedEvidence {
  readonly target: string;
  readonly status: string;
  readonly ref?: EvidenceRef;
  readonly commandId?: string;
  readonly error?: string;
  /** Names of the bundle's sections (what was collected), when stored. */
  readonly sectionNames?: readonly string[];
  /** EKS targets: each source of the incident bundle (the node's SSM collector, the Kubernetes API) and how it went. */
  readonly sources?: readonly {
    readonly kind: 'ssm-command' | 'kubernetes-api';
    readonly status: 'collected' | 'partial' | 'failed';
    readonly error?: string;
    readonly failedSections?: readonly string[];
  }[];
}

/** Result of Collect (and of the collection half of Verify). */
export interface CollectionResult {
  readonly evidence: readonly CollectedEvidence[];
  readonly collected: number;
  readonly failed: number;
}

/** The top runbook for one target, with a few proving lines. */
export interface TargetClassification {
  readonly target: string;
  readonly runbookId: string | null;
  readonly confidence: number;
  readonly evidence: readonly {
    readonly section: string;
    readonly line: number;
    readonly text: string;
  }[];
  /** Second-best runbook, to explain "why not the runner-up". */
  readonly runnerUp?: { readonly runbookId: string; readonly confidence: number };
}

/** Result of Classify. */
export interface ClassificationSummary {
  /** The runbook the plan follows: the manual choice, or the one most targets matched. */
  readonly runbookId: string | null;
  readonly targets: readonly TargetClassification[];
}

/** What the planner decided. */
export type PlanDecision =
  | 'automatic'
  | 'approval'
  | 'report-only'
  | 'dry-run'
  | 'skip'
  | 'escalate'
  | 'unclassified';

/** One invocation of a step on one target, with parameters already validated. */
export interface StepInvocation {
  readonly target: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** One catalogue action, ready to run. */
export interface PlannedStep {
  readonly index: number;
  readonly action: string;
  readonly title: string;
  readonly actionTarget: ActionTarget;
  readonly risk: ActionRisk;
  readonly mutates: boolean;
  /** Full SSM document name for host actions, e.g. `Paramedic-JournalVacuum`. */
  readonly document?: string;
  readonly invocations: readonly StepInvocation[];
}

/** One runbook precondition on one target before one step: held, not met, or undecidable (null). */
export interface PreconditionResult {
  readonly id: string;
  readonly description: string;
  readonly step: number;
  readonly action: string;
  readonly target: string;
  readonly held: boolean | null;
  /** Lines that matched the precondition's expression. */
  readonly evidence: readonly {
    readonly section: string;
    readonly line: number;
    readonly text: string;
  }[];
}

/** The plan: what would run, where, and why it may (or may not). */
export interface Plan {
  readonly runbookId: string | null;
  readonly decision: PlanDecision;
  readonly reason: string;
  readonly summary: string;
  readonly targets: readonly string[];
  /** Targets removed by a guard, with the guard's reason. */
  readonly held: readonly { readonly target: string; readonly reason: string }[];
  readonly steps: readonly PlannedStep[];
  /** The runbook's preconditions as evaluated before each step (absent when it declares none). */
  readonly preconditions?: readonly PreconditionResult[];
  /** Dry runs: each host step's own dry run on its targets, with what it printed it would change. */
  readonly hostDryRun?: readonly StepOutcome[];
  /** Each target's group as the group share preconditions read it (absent when none reads it). */
  readonly groups?: readonly TargetGroupShare[];
}

/** A target's group share, as Plan read it (core/remediation/group-share.ts). */
export interface TargetGroupShare {
  readonly target: string;
  readonly kind: 'auto-scaling-group' | 'node-group' | 'none';
  readonly name: string;
  readonly size: number;
  readonly affected: number;
  readonly affectedPercent: number;
  /** Why each affected member counts (`Standby`, `cordoned`, `being remediated by <execution>`, `this remediation`). */
  readonly reasons: Readonly<Record<string, string>>;
}

/** What an approver answered (or the timeout, or the refusal of a resume nobody verified). */
export interface ApprovalDecision {
  readonly approved: boolean;
  readonly approver: string;
  readonly at: string;
  readonly comment?: string;
  readonly timedOut?: boolean;
  /** Set when the task was resumed with a decision the approve function never verified: counted as a rejection by `system`. */
  readonly refused?: UnverifiedResume;
}

/** A resume of the approval task that matched no verified decision (see verified-approval.ts). */
export interface UnverifiedResume {
  /** What the task output claimed. */
  readonly claimed: { readonly approved: boolean; readonly approver: string };
  /** What happened and what to do next, for the trail, the report and the event. */
  readonly reason: string;
}

/** Result of one step on one target. */
export interface StepOutcome {
  readonly step: number;
  readonly action: string;
  readonly target: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly commandId?: string;
  readonly outputUri?: string;
  readonly detail?: string;
  readonly durationMs?: number;
}

/** Progress of the step-by-step remediation loop. */
export interface RemediationProgress {
  readonly nextStep: number;
  readonly done: boolean;
  readonly failed: boolean;
  readonly outcomes: readonly StepOutcome[];
  /** Targets a group share precondition held when the next step was to act (the group changed since Plan): the loop stopped before it. */
  readonly held?: Plan['held'];
  /** When the last step ended (RFC 3339): Verify counts only evidence logged after it. */
  readonly finishedAt?: string;
}

/** One verification check on one target: a runbook verify check, or a re-read Kubernetes state. */
export interface VerificationCheck {
  readonly target: string;
  readonly description: string;
  /** `unknown`: what it reads was not collected (or not readable); never counted as a pass. */
  readonly status: 'passed' | 'failed' | 'unknown';
  readonly observed: string;
}

/** What rollback undid after a failed step or a fix that did not help (Escalate records it). */
export interface RollbackRecord {
  /**
   * `rolled-back`: every undo succeeded; `partial`: one failed (its outcomes say which); `unknown`:
   * an earlier attempt started the undos and stopped before recording them (`steps` are what it set
   * out to undo, without outcomes): which ran is not known, and running them again could undo a
   * later change, so people check the hosts (`check` says so).
   */
  readonly status: 'rolled-back' | 'partial' | 'unknown';
  readonly reason: string;
  /** With `unknown`: what people must check before trusting the hosts' state. */
  readonly check?: string;
  readonly steps: readonly {
    readonly undoes: number;
    readonly action: string;
    readonly outcomes: readonly StepOutcome[];
  }[];
}

/** Result of Verify. */
export interface VerificationResult {
  readonly cleared: boolean;
  readonly reason: string;
  readonly evidence: readonly CollectedEvidence[];
  readonly stillMatching: readonly string[];
  readonly alarmState?: string;
  /** Every check and what it saw (runbook verify checks and the Kubernetes state re-read). */
  readonly checks?: readonly VerificationCheck[];
}

/** A caught error, as Step Functions puts it at ResultPath. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

/** The execution state: the original input plus one key per step that ran. */
export interface WorkflowState {
  readonly intake?: IntakeResult;
  readonly lock?: LockResult;
  readonly collection?: CollectionResult;
  readonly classification?: ClassificationSummary;
  readonly plan?: Plan;
  readonly approvalTimeout?: CaughtError;
  readonly approval?: ApprovalDecision;
  readonly remediation?: RemediationProgress;
  readonly verification?: VerificationResult;
  /** `notified: false`: the escalation notification failed and was recorded (`notify-failed`) instead. */
  readonly escalation?: {
    readonly reason: string;
    readonly rollback?: RollbackRecord;
    readonly notified?: boolean;
  };
  readonly failure?: CaughtError;
  readonly release?: { readonly released: readonly string[] };
  /** ReleaseLock failed after its retries: some of the run's locks stay held until their expiry. */
  readonly releaseFailure?: CaughtError;
  readonly [raw: string]: unknown;
}

/** The final summary the Complete step returns (and records). */
export interface CompletionSummary {
  readonly executionId: string;
  readonly outcome: AuditOutcome;
  readonly runbookId: string | null;
  readonly targets: readonly string[];
  readonly durationMs: number;
  readonly failed: boolean;
}
