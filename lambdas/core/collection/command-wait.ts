/**
 * The workflow waiting for SSM commands as a Step Functions callback: a `waitForTaskToken` Task
 * sends the commands and registers one wait (its task token and the ids still pending) in the
 * state table; the CommandCompleted Lambda, on each command's terminal status event, removes that
 * command from the pending set with one conditional update, and the call that empties the set
 * resumes the workflow (SendTaskSuccess). Exactly one caller empties a set, so exactly one resumes;
 * a second resume (a redelivered event racing the sender's own re-check) is harmless: Step
 * Functions refuses a closed token and the callback says so instead of failing.
 *
 * The race of an event that arrives before its command is registered: CommandCompleted always
 * writes the command's completion mark first, then looks the wait up; the sender registers first,
 * then reads the marks of its commands and completes those itself. Whichever happens second sees
 * the other's write, so no event is lost; the conditional update stops a double count.
 */
import type { EvidenceRef } from '../workflow/model.js';
import type { SentCommands } from './command-runner.js';

/** The state-table key of one Task's wait (`phase`: `triage` for Collect, `verify` for Verify). */
export function commandWaitKey(executionName: string, phase: string): string {
  return `ssm-wait#${executionName}#${phase}`;
}

/** The state-table key pointing from a command to the wait it belongs to (the event carries only the command id). */
export function commandPointerKey(commandId: string): string {
  return `ssm-cmd#${commandId}`;
}

/**
 * Where a wait's documents live in the evidence bucket: each host's result of a runner that ran to
 * the end, and the sent list when too large to keep inline. They matter only until Collect or
 * Verify reads them into evidence bundles (which live elsewhere and are kept), so the bucket expires
 * this prefix after {@link COMMAND_RESULTS_RETENTION_DAYS} (cdk/stacks/state-stack.ts).
 */
export const COMMAND_RESULTS_PREFIX = 'command-results/';

/**
 * Days the bucket keeps a wait's documents. Nothing reads them once the wait record that points at
 * them has expired ({@link COMMAND_WAIT_TTL_SECONDS}, a day); a week covers that day, the read Task's
 * retries, S3's day-granular and asynchronous expiry, and leaves a few days to look at a failed run.
 */
export const COMMAND_RESULTS_RETENTION_DAYS = 7;

/**
 * The key of one target's result of one phase: fixed, so a retried send (new command ids, new
 * output) replaces the first attempt's object instead of leaving a second one.
 */
export function commandResultKey(executionName: string, phase: string, target: string): string {
  return `${COMMAND_RESULTS_PREFIX}${executionName}/${phase}/hosts/${target}.json`;
}

/** The key of one phase's sent list, when stored by reference (fixed, like {@link commandResultKey}). */
export function commandSentKey(executionName: string, phase: string): string {
  return `${COMMAND_RESULTS_PREFIX}${executionName}/${phase}/sent.json`;
}

/** One target's result known at send time, stored whole on its own (a runner that ran to the end). */
export interface StoredResult {
  readonly target: string;
  readonly ref: EvidenceRef;
}

/**
 * What a wait keeps of one request: what a deferred runner sent, or, for a runner that ran to the end
 * (a spoke's, the local one), each target's result by reference. The outputs of a fleet (up to 1 MiB
 * a host) never sit together in one object, one item or one function's memory.
 */
export interface WaitedSend extends SentCommands {
  readonly stored?: readonly StoredResult[];
}

/** One registered wait. */
export interface CommandWaitRecord {
  readonly executionId: string;
  readonly phase: string;
  /** The token to resume; null where the workflow does not wait on one (a synchronous local run). */
  readonly taskToken: string | null;
  /** Every command of the wait (the pending set starts as all of them). */
  readonly commandIds: readonly string[];
  /** What was sent, inline… */
  readonly sent?: readonly WaitedSend[];
  /** …or stored by reference when large (the state documents: S3 on AWS). */
  readonly sentRef?: EvidenceRef;
  readonly registeredAt: string;
  /** Epoch ms after which the Task has timed out and nobody waits for the events any more. */
  readonly deadline: number;
}

/** What the waiting Task returns when resumed (its result in the state: small, whatever the fleet). */
export interface CommandWaitOutcome {
  readonly phase: string;
  readonly commands: number;
  /** `sender`: every command was done when the sender checked (or there was none); `event`: the last completion event. */
  readonly resumedBy: 'sender' | 'event';
}

/** What {@link CommandWaitStore.complete} did. */
export type CompletionCount = 'last' | 'more' | 'not-pending';

/** Registered waits (the state table on AWS). */
export interface CommandWaitStore {
  /** Writes the wait, its pending set (every command id) and one pointer per command. */
  register(key: string, record: CommandWaitRecord, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<CommandWaitRecord | undefined>;
  /** The key of the wait a command belongs to, or undefined before it is registered. */
  waitOf(commandId: string): Promise<string | undefined>;
  /**
   * Removes the command from the wait's pending set in one atomic step: `last` for the one call that
   * emptied it, `more` while others are pending, `not-pending` for a command already removed or unknown.
   */
  complete(key: string, commandId: string): Promise<CompletionCount>;
}

/** Resumes a Task waiting on its token (SendTaskSuccess on AWS). */
export interface TaskCallback {
  /** `gone` when Step Functions no longer waits on the token (already resumed, timed out, execution ended). */
  succeed(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
}

/** How long a wait record is kept: longer than any wait, short enough to clean itself up. */
export const COMMAND_WAIT_TTL_SECONDS = 24 * 3600;

/** Time past the documents' own timeout for the last event to arrive (EventBridge delivers within seconds; retries take longer). */
export const COMMAND_WAIT_GRACE_SECONDS = 120;

/** How long a Task waits for its commands' events: the documents' timeout plus {@link COMMAND_WAIT_GRACE_SECONDS}. */
export function commandWaitSeconds(collectTimeoutSeconds: number): number {
  return collectTimeoutSeconds + COMMAND_WAIT_GRACE_SECONDS;
}

/**
 * Why the read Task found targets unfinished, for their evidence: the wait timed out (the
 * Task's Catch put `{ Error: 'States.Timeout' }` at its result path), or the events said done.
 */
export function unfinishedReason(waitResult: unknown): string {
  const error =
    typeof waitResult === 'object' && waitResult !== null
      ? (waitResult as { Error?: unknown }).Error
      : undefined;
  return error === 'States.Timeout'
    ? 'no completion event before the wait timed out (the host did not finish, or its event was lost)'
    : 'not finished when the completion events resumed the workflow';
}
