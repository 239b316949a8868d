/**
 * The audit trail's record: one entry per thing that happened in an execution, chained by
 * sha256 over a canonical JSON form so that editing, inserting or deleting any entry breaks
 * every hash after it. Pure: hashing goes through the `hash` port so the core needs no crypto import.
 */

import type {
  ApprovalDecision,
  AuditOutcome,
  CaughtError,
  CollectedEvidence,
  CompletionSummary,
  ManualInput,
  Plan,
  PlanDecision,
  PreconditionResult,
  RollbackRecord,
  RunMode,
  StepOutcome,
  Target,
  TargetGroupShare,
  Trigger,
  VerificationResult,
} from '../workflow/model.js';
import type { RunbookMatch } from '../classify/engine.js';
import type { ManagedTagCheck } from '../workflow/managed-tag-check.js';

export type { AuditOutcome } from '../workflow/model.js';

/** Locks a release kept because an action of the run may still be running on their targets. */
export interface ActingLocksRecord {
  /** When the action's time is up at the latest (the locks expire then). */
  readonly until: string;
  readonly targets: readonly string[];
}

/** What each kind of entry records: one typed payload per step of the workflow. */
export interface AuditPayloads {
  /** Intake accepted the run. `summary` is the one line people read (`alarm X went ALARM: …`). */
  readonly triggered: {
    readonly trigger: Trigger;
    readonly summary: string;
    readonly mode: RunMode;
    readonly targets: readonly Target[];
    readonly eventId?: string;
    readonly state?: string;
    readonly previousState?: string | null;
    readonly dimensions?: readonly Readonly<Record<string, string>>[];
    readonly requested?: ManualInput;
    /** Dimension sets that named no usable target (a pod that is gone, a cluster not readable), with why. */
    readonly unresolved?: readonly {
      readonly dimensions: Readonly<Record<string, string>>;
      readonly reason: string;
    }[];
    /** A composite alarm whose actions were suppressed (`Alarm`, `WaitPeriod`, `ExtensionPeriod`): skipped at intake. */
    readonly suppressed?: string;
    /** The instance targets without the managed tag, or why that check was skipped (managed-tag-check.ts). */
    readonly managedTag?: ManagedTagCheck;
    /** An alarm run: how CloudWatch confirmed the event, or why nothing could (alarm-confirmation.ts). */
    readonly confirmation?: string;
  };
  /** A redelivery of an alarm already being handled. */
  readonly deduplicated: AuditPayloads['triggered'];
  /**
   * Intake refused an alarm event the intake rule would not have sent (another state, another
   * prefix) or CloudWatch does not confirm: nothing was claimed, locked or run. The entry's actor is
   * the authenticated caller; `requestedBy` is what the event claimed (`alarm:<name>`).
   */
  readonly refused: {
    readonly summary: string;
    readonly check: 'state' | 'prefix' | 'source';
    readonly requestedBy: string;
    readonly alarmName: string;
    readonly state: string;
    readonly eventId: string;
    readonly time: string;
    readonly account: string;
    readonly region: string;
  };
  readonly locked: {
    readonly acquired: boolean;
    readonly attempts: number;
    readonly targets?: readonly string[];
    readonly busy?: string;
    readonly ttlSeconds?: number;
  };
  /** `how`: a collector document ran, or recorded evidence was replayed. */
  readonly collected: {
    readonly phase: 'triage';
    readonly how: 'collector' | 'replay';
    readonly evidence: readonly CollectedEvidence[];
  };
  readonly classified: {
    readonly runbookId: string | null;
    readonly confidence: number | null;
    readonly forced: boolean;
    readonly targets: readonly {
      readonly target: string;
      readonly matches: readonly RunbookMatch[];
      readonly ref?: CollectedEvidence['ref'];
    }[];
  };
  readonly planned: { readonly plan: Plan };
  /** The runbook's preconditions before each step, and the targets they held out of the plan. */
  readonly preconditions: {
    readonly results: readonly PreconditionResult[];
    readonly held: readonly { readonly target: string; readonly reason: string }[];
    readonly groups?: readonly TargetGroupShare[];
  };
  readonly 'approval-requested': {
    readonly plan: {
      readonly decision: PlanDecision;
      readonly reason: string;
      readonly steps: readonly string[];
    };
    readonly timeoutSeconds: number;
  };
  readonly approval: ApprovalDecision;
  /**
   * Written before a remediation step acts, so the trail names the action even when its `step`
   * entry (the outcomes) is never written: a step with this entry and no `step` entry has an unknown
   * outcome, and Escalate's rollback treats it as possibly done (rollback-run.ts).
   */
  readonly 'step-started': {
    readonly step: number;
    readonly action: string;
    readonly document: string | null;
    readonly targets: readonly string[];
  };
  readonly step: {
    readonly step: number;
    readonly action: string;
    readonly document: string | null;
    readonly outcomes: readonly StepOutcome[];
    /** The run was closed while this step acted: the locks a release kept for its action, freed once it returned. */
    readonly releasedAfterAction?: readonly string[];
  };
  readonly verified: VerificationResult;
  /** `rolledBack`: the rollback's status when completed steps were undone first. */
  readonly escalated: { readonly reason: string; readonly rolledBack?: RollbackRecord['status'] };
  /**
   * Written before the first undo runs: the undo steps a rollback sets out to run, last first. A
   * retried Escalate that finds it without a `rolled-back` entry knows an earlier attempt stopped
   * mid-rollback, and records the rollback as `unknown` instead of undoing again.
   */
  readonly 'rolling-back': {
    readonly reason: string;
    readonly steps: readonly { readonly undoes: number; readonly action: string }[];
    /** Steps undone although their outcome was never recorded (a `step-started` without its `step`). */
    readonly outcomeUnknown?: readonly number[];
  };
  /** The completed steps undone, last first, with each undo's outcomes (`unknown`: an earlier attempt stopped mid-rollback). */
  readonly 'rolled-back': RollbackRecord;
  /** The targets whose locks this run freed; `notHeld`: its locks it found no longer its own; `failed`: those whose release failed (still held), with the first error. */
  readonly released: {
    /** Freed by this attempt. */
    readonly released: readonly string[];
    /**
     * Locks this run took (its `locked` entry) that were no longer its own at the release, so not
     * freed by it: their lease ran out (another run may have taken the host), or, with `retried`,
     * an earlier attempt of the step may have freed them before it stopped.
     */
    readonly notHeld?: readonly string[];
    /** An earlier ReleaseLock attempt of this run ran (it stopped before or after recording). */
    readonly retried?: true;
    /** Kept locked, by deadline: an action of this run may still be running on them (they free themselves then, or when it returns). */
    readonly acting?: readonly ActingLocksRecord[];
    readonly failed?: readonly string[];
    readonly error?: string;
  };
  /** A notification (escalation, report) that still failed after the notifier's retries; the run went on to its outcome. */
  readonly 'notify-failed': {
    readonly kind: 'approval' | 'escalation' | 'report';
    readonly subject: string;
    readonly error: { readonly name: string; readonly message: string };
  };
  /** A status event the bus refused (events are a copy of the trail; the execution goes on). */
  readonly 'event-unpublished': {
    readonly status: string;
    readonly errors: readonly { readonly errorCode: string; readonly errorMessage: string }[];
  };
  /** The execution stopped without finishing (its runner was killed; on AWS it ended without its outcome step). */
  readonly interrupted: {
    readonly reason: string;
    readonly startedAt: string;
    /** On AWS: the Step Functions status it ended with. */
    readonly status?: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
    /** The targets whose locks it still held and that closing freed. */
    readonly released?: readonly string[];
    /** Kept locked, by deadline: an action of the run may still be running on them (they free themselves then, or when it returns). */
    readonly acting?: readonly ActingLocksRecord[];
    /** The targets whose release failed (still locked until their expiry), with the first error. */
    readonly notReleased?: readonly string[];
    readonly releaseError?: string;
  };
  /** `paramedic audit anchor`: a trail written before head anchors existed was anchored explicitly (executionId `audit`). */
  readonly anchored: { readonly seq: number; readonly hash: string; readonly reason: string };
  readonly completed: CompletionSummary & {
    readonly decision: PlanDecision | null;
    readonly reason: string | null;
    readonly failure?: CaughtError;
    readonly escalation?: { readonly reason: string };
    /** ReleaseLock failed after its retries: the outcome stands, but some of the run's targets stay locked. */
    readonly releaseFailure?: CaughtError;
  };
}

/** What kind of event an entry records. */
export type AuditEventType = keyof AuditPayloads;

/** The fields every entry has, whatever its type. */
export interface AuditEntryBase {
  readonly executionId: string;
  /** ISO-8601 time, from the Clock port. */
  readonly at: string;
  /** `alarm:<name>`, `user:<who>`, `system`. */
  readonly actor: string;
  readonly target?: string;
  readonly runbookId?: string;
  readonly outcome?: AuditOutcome;
}

/** One entry of a given type, with that type's payload. */
export type AuditEntryOf<T extends AuditEventType> = AuditEntryBase & {
  readonly type: T;
  readonly data: AuditPayloads[T];
};

/** What a caller appends: a discriminated union on `type`, each with its own typed `data`. */
export type AuditEntryInput = { [T in AuditEventType]: AuditEntryOf<T> }[AuditEventType];

/** A stored entry: the input plus its place in the chain. */
export type AuditEntry = AuditEntryInput & {
  /** Position in its chain, from 1, gap-free: the whole trail locally, the execution's chain on DynamoDB (core/audit/execution-chains.ts). */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
};

/** Query for `audit list`. */
export interface AuditFilter {
  readonly target?: string;
  readonly runbookId?: string;
  readonly outcome?: AuditOutcome;
  readonly since?: string;
  readonly limit?: number;
}

/** Result of walking the chain. */
export interface ChainReport {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry whose hash or link does not hold. */
  readonly firstBroken?: {
    readonly seq: number;
    readonly executionId: string;
    readonly reason: string;
  };
}

/** The hash of the empty trail, which the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Deterministic JSON: object keys sorted at every depth, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 of a UTF-8 string, hex; provided by the adapter (node:crypto). */
export type Sha256 = (text: string) => string;

/** The hash an entry must carry: over its content, its seq and the previous hash. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>, sha256: Sha256): string {
  const { ...content } = entry;
  return sha256(canonicalJson(content));
}

/** Builds the next entry of the chain. */
export function chainEntry(
  input: AuditEntryInput,
  previous: AuditEntry | undefined,
  sha256: Sha256,
): AuditEntry {
  const base = {
    ...input,
    seq: (previous?.seq ?? 0) + 1,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...base, hash: entryHash(base, sha256) };
}

/** Checks an ordered trail: seq without gaps, each link to the previous hash, each hash over its content. */
export function verifyChain(entries: readonly AuditEntry[], sha256: Sha256): ChainReport {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const broken = (reason: string): ChainReport => ({
      ok: false,
      entries: entries.length,
      firstBroken: { seq: e.seq, executionId: e.executionId, reason },
    });
    if (e.seq !== i + 1)
      return broken(`expected seq ${i + 1}, found ${e.seq}: an entry was removed or inserted`);
    if (e.prevHash !== prev)
      return broken('prevHash does not match the previous entry: the chain was cut or reordered');
    const { hash, ...content } = e;
    if (entryHash(content, sha256) !== hash)
      return broken('content does not match its hash: the entry was edited');
    prev = hash;
  }
  return { ok: true, entries: entries.length };
}
