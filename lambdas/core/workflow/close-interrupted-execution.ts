/**
 * On AWS: closes an execution that ended (failed, timed out, aborted) without its Complete step
 * writing the outcome, so the trail never shows a run that simply stops. Driven by Step Functions'
 * own status-change event (execution-status-event.ts). A run that recorded its completion (the
 * workflow's `Failed` or `Escalated` states come after Complete) is left alone; so is one already
 * closed, which makes a redelivered event harmless. The one exception is the locks: a run whose
 * release failed (its ReleaseLock after its retries, which ends it in `LocksNotReleased`, or an
 * earlier closing) gets its release retried here, at a later time and from another function.
 *
 * Which locks the run may hold comes from the targets Intake recorded: AcquireLock may have taken
 * any of them before it was stopped, without recording it (its `locked` entry comes after the last
 * lock), and the lock table is keyed by target, so asking it which locks an execution owns would
 * scan the whole table (a GSI on the owner is eventually consistent: it can miss a lock just taken).
 * A large fleet's `triggered` entry is stored by reference (above 64 KiB, ~780 targets): it is read
 * back from the document store, as every Task reads its state.
 *
 * A lock the run marked acting (RemediateStep, while its action may still run: StopExecution stops
 * neither the Lambda invocation nor its SSM command) is not freed: it is kept until the action's
 * deadline, or until the action returns (lock-lease.ts), and the `interrupted` entry says so.
 *
 * Not covered: a lock taken after closing released the run's locks (an AcquireLock invocation, or
 * a RemediateStep renewal, still running when the execution was stopped). It is held until its
 * expiry (the lock TTL); the run's trail shows the run closed, and the lock's owner names it.
 */
import type { AuditEntry } from '../audit/audit-entry.js';
import { appendAudit } from './audit-writer.js';
import type { EndedExecution } from './execution-status-event.js';
import { interruptedOnAws } from './interrupted-executions.js';
import { type ActingLocks, LockReleaseError, releasedEntry, releaseLocks } from './lock-release.js';
import type { Clock, WorkflowPorts } from './ports.js';
import {
  AuditDataUnreadableError,
  isResultSummary,
  loadReferencedAuditData,
} from './state-by-reference.js';
import { publishStatus, type StatusSubject } from './status-events.js';

/** What closing uses: the trail (and its payloads stored by reference), the locks, the state table (a claim against concurrent deliveries) and the bus. */
export type CloseInterruptedPorts = Pick<
  WorkflowPorts,
  'audit' | 'locks' | 'state' | 'events' | 'config' | 'errorWording' | 'stateDocuments'
>;

/** How long one delivery's claim on closing an execution lasts: longer than the function runs, shorter than Lambda's first retry. */
export const CLOSING_CLAIM_SECONDS = 45;

/** What closing did. */
export type CloseInterruptedResult =
  | {
      readonly closed: true;
      readonly executionId: string;
      readonly reason: string;
      readonly released: readonly string[];
      /** Locks kept because an action of the run may still be running on them, by deadline. */
      readonly acting: readonly ActingLocks[];
      readonly published: boolean;
    }
  | {
      readonly closed: false;
      readonly executionId: string;
      readonly why: string;
      /** The locks a failed release had left held, freed now. */
      readonly released?: readonly string[];
    };

/** Another delivery of the same event is closing this execution right now: retry later (it will find the entry). */
export class ExecutionBeingClosedError extends Error {
  constructor(readonly executionId: string) {
    super(
      `${executionId}: another delivery is closing this execution as interrupted; the retry will find its audit entry`,
    );
    this.name = 'ExecutionBeingClosedError';
  }
}

/**
 * The run's trail cannot be read whole, so which hosts it locked is unknown: nothing was released
 * and the run is not closed.
 */
export class InterruptedTrailUnreadableError extends Error {
  constructor(
    readonly executionId: string,
    options: { readonly cause: AuditDataUnreadableError },
  ) {
    super(
      `ExecutionInterrupted: cannot tell which hosts ${executionId} locked: ${options.cause.message}. Nothing was released and the run is not closed; the event is retried. Its hosts stay locked until their locks expire (the lock TTL): to free them now, delete the state table's lock# items whose owner is ${executionId}`,
      options,
    );
    this.name = 'InterruptedTrailUnreadableError';
  }
}

/** Entries whose payloads closing reads whole: Intake's (the targets, trigger and mode) and the releases'. */
export const CLOSING_READS: ReadonlySet<string> = new Set([
  'triggered',
  'deduplicated',
  'released',
  'interrupted',
]);

/**
 * The execution's trail with the payloads closing reads stored by reference read back.
 * @throws InterruptedTrailUnreadableError when one cannot be read.
 */
async function trailOf(
  ports: CloseInterruptedPorts,
  executionId: string,
): Promise<readonly AuditEntry[]> {
  const entries = await ports.audit.execution(executionId);
  try {
    return await loadReferencedAuditData(entries, ports.stateDocuments, CLOSING_READS, executionId);
  } catch (error) {
    if (error instanceof AuditDataUnreadableError)
      throw new InterruptedTrailUnreadableError(executionId, { cause: error });
    throw error;
  }
}

/** The state-table key one delivery claims while it closes the execution. */
export function closingKey(executionId: string): string {
  return `interrupted#${executionId}`;
}

/** Why the trail needs nothing more, or undefined when the run is still open on it. */
export function alreadyClosed(entries: readonly AuditEntry[]): string | undefined {
  for (const e of entries) {
    if (e.type === 'completed')
      return `the run recorded its completion (outcome ${e.data.outcome})`;
    if (e.type === 'interrupted') return 'the run is already closed as interrupted';
    // Intake refused the alarm event: it recorded why, and nothing was claimed or locked.
    if (e.type === 'refused') return 'Intake refused the run (its refused entry says why)';
  }
  return undefined;
}

/** What Intake recorded about the run (its trigger, mode and targets), or undefined when Intake recorded nothing. */
export function subjectFromTrail(entries: readonly AuditEntry[]): StatusSubject | undefined {
  const triggered = entries.find((e) => e.type === 'triggered' || e.type === 'deduplicated');
  if (!triggered || (triggered.type !== 'triggered' && triggered.type !== 'deduplicated'))
    return undefined;
  const { data } = triggered;
  // A payload stored by reference keeps no targets nor trigger in the trail: reading it as the
  // payload would free no lock (a TypeError on every retry, before this check).
  if (isResultSummary(data))
    throw new AuditDataUnreadableError(
      triggered.executionId,
      triggered.type,
      data.stateRef.uri,
      'it was not read back before use',
    );
  const runbookId = data.requested?.runbookId;
  return {
    trigger: data.trigger,
    mode: data.mode,
    targets: data.targets,
    ...(runbookId ? { runbookId } : {}),
  };
}

/**
 * Targets whose locks the run may still hold: every target Intake recorded (AcquireLock may have
 * taken any of them before it failed or was stopped, without recording it), less what the last
 * release recorded as freed: a `released` entry, or an earlier closing, leaves only its failures.
 * Every release is conditional on the owner, so naming a lock the run never took costs one request.
 */
export function locksMaybeHeld(entries: readonly AuditEntry[]): string[] {
  let held = subjectFromTrail(entries)?.targets.map((t) => t.id) ?? [];
  for (const e of entries) {
    if (e.type === 'released') held = [...(e.data.failed ?? [])];
    if (e.type === 'interrupted') held = [...(e.data.notReleased ?? [])];
  }
  return held;
}

/** True when the trail records a release that failed (ReleaseLock's, the workflow's catch of it, or an earlier closing). */
function releaseFailed(entries: readonly AuditEntry[]): boolean {
  return entries.some(
    (e) =>
      (e.type === 'completed' && e.data.releaseFailure !== undefined) ||
      (e.type === 'released' && Boolean(e.data.failed?.length)) ||
      (e.type === 'interrupted' && Boolean(e.data.notReleased?.length)),
  );
}

/**
 * A closed run whose release failed: releases what it may still hold and records it (actor `system`).
 * @throws LockReleaseError when a release fails again: Lambda retries an asynchronous event twice
 *   (after about 1 and 2 minutes), then drops it; the trail keeps the hosts still locked.
 */
async function retryFailedRelease(
  ports: CloseInterruptedPorts,
  clock: Clock,
  executionId: string,
  entries: readonly AuditEntry[],
  why: string,
): Promise<CloseInterruptedResult> {
  const held = releaseFailed(entries) ? locksMaybeHeld(entries) : [];
  if (!held.length) return { closed: false, executionId, why };
  const report = await releaseLocks(ports, executionId, held);
  await appendAudit(
    ports,
    clock,
    executionId,
    subjectFromTrail(entries),
    'released',
    releasedEntry(report),
    { actor: 'system' },
  );
  if (report.failed.length)
    throw new LockReleaseError('ExecutionInterrupted', report.failed, report.error!);
  return {
    closed: false,
    executionId,
    why: `${why}; its failed lock release was retried`,
    released: report.released,
  };
}

/** The reason's note on locks kept while the run's action may still run (empty when none). */
function actingNote(acting: readonly ActingLocks[]): string {
  if (!acting.length) return '';
  const count = acting.reduce((n, a) => n + a.targets.length, 0);
  const until = acting.at(-1)!.until;
  return `; ${count} target(s) stay locked until their action returns, at the latest ${until}: stopping the execution does not stop a running RemediateStep nor its commands`;
}

/**
 * Closes one ended execution: releases the locks it may still hold (only where it is still the
 * owner), appends one `interrupted` entry (actor `system`) and publishes its `failed` status event.
 * @example await closeInterruptedExecution(ended, ports, { now: () => new Date() })
 * @throws ExecutionBeingClosedError while a concurrent delivery holds the claim.
 * @throws LockReleaseError after recording a release that failed (the event's retry tries again).
 */
export async function closeInterruptedExecution(
  ended: EndedExecution,
  ports: CloseInterruptedPorts,
  clock: Clock,
): Promise<CloseInterruptedResult> {
  const executionId = ended.executionArn;
  let entries = await trailOf(ports, executionId);
  const closed = alreadyClosed(entries);
  if (closed) return retryFailedRelease(ports, clock, executionId, entries, closed);
  if (
    !(await ports.state.putIfAbsent(
      closingKey(executionId),
      { status: ended.status, at: clock.now().toISOString() },
      CLOSING_CLAIM_SECONDS,
    ))
  ) {
    const meanwhile = alreadyClosed(await trailOf(ports, executionId));
    if (meanwhile) return { closed: false, executionId, why: meanwhile };
    throw new ExecutionBeingClosedError(executionId);
  }
  entries = await trailOf(ports, executionId); // the claim is ours: nothing was appended since
  const again = alreadyClosed(entries);
  if (again) return { closed: false, executionId, why: again };

  const verdict = interruptedOnAws(executionId, ended.status)!;
  const detail = ended.error ? ` (${ended.error}${ended.cause ? `: ${ended.cause}` : ''})` : '';
  const subject = subjectFromTrail(entries);
  // Conditional on the owner: a lock that expired and was taken by another execution is left alone.
  const release = await releaseLocks(ports, executionId, locksMaybeHeld(entries));
  const { released, failed, acting } = release;
  const reason = `${verdict.reason}${detail}${subject ? '' : '; Intake recorded nothing, so no target was locked'}${actingNote(acting)}`;
  await appendAudit(
    ports,
    clock,
    executionId,
    subject,
    'interrupted',
    {
      reason,
      startedAt: ended.startedAt,
      status: ended.status,
      ...(released.length ? { released } : {}),
      ...(acting.length ? { acting } : {}),
      ...(failed.length ? { notReleased: failed, releaseError: release.error } : {}),
    },
    { actor: 'system', outcome: 'interrupted' },
  );
  // A status event needs the trigger and mode Intake recorded; without them the trail entry is the record.
  if (subject)
    await publishStatus(ports, clock, executionId, subject, 'failed', {
      summary: `interrupted: ${reason}`,
    });
  if (failed.length) throw new LockReleaseError('ExecutionInterrupted', failed, release.error!);
  return {
    closed: true,
    executionId,
    reason,
    released,
    acting,
    published: Boolean(subject && ports.events),
  };
}
