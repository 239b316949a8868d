/**
 * The two halves of a step that runs documents on hosts while the state machine waits on a task
 * token (core/collection/command-wait.ts): {@link sendAndRegister} (the `…Send` Task: send, register
 * the wait, resume at once when nothing is left to wait for) and {@link readWaitedResults} (the
 * Task after it: read each command's outcome once, cancel what still runs).
 *
 * Memory: a collector prints up to 1 MiB a host, so a 1,000-host alarm's outputs (1 GB) do not fit
 * in a 512 MB function. Neither half ever holds them together: a runner that runs to the end hands
 * each result over as it comes and it is stored on its own; the read yields one command's results
 * or up to 50 stored results (50 hosts) at a time, and its caller stores them before the next.
 */
import pMap from 'p-map';
import { commandDoneKey } from '../collection/command-completion.js';
import type {
  CommandRequest,
  CommandResult,
  DeferredCommandRunner,
} from '../collection/command-runner.js';
import {
  COMMAND_WAIT_TTL_SECONDS,
  commandPointerKey,
  commandResultKey,
  commandSentKey,
  commandWaitKey,
  type CommandWaitOutcome,
  type CommandWaitRecord,
  type CommandWaitStore,
  type CompletionCount,
  type StoredResult,
  type WaitedSend,
} from '../collection/command-wait.js';
import type { Clock, StateStore, WorkflowPorts } from './ports.js';
import { jsonBytes } from './state-by-reference.js';
import { executionName } from './task-input.js';

/** What sending and reading use. */
export type WaitedCommandPorts = Pick<
  WorkflowPorts,
  'commands' | 'deferredCommands' | 'commandWaits' | 'taskCallback' | 'state' | 'stateDocuments'
>;

/** The sent commands are kept inline in the wait up to this size, else by reference (a DynamoDB item holds 400 KB). */
const INLINE_SENT_LIMIT_BYTES = 32 * 1024;

/**
 * Waits kept in the StateStore, for a composition without a wait store of its own (a local run,
 * whose runner runs to completion, so nothing is pending and nothing races): `complete` reads and
 * writes without a condition.
 */
export function commandWaitsInState(state: StateStore): CommandWaitStore {
  const pendingOf = async (key: string): Promise<string[]> =>
    ((await state.get(key))?.pending as string[] | undefined) ?? [];
  return {
    register: async (key, record, ttl) => {
      await state.put(key, { record, pending: [...record.commandIds] }, ttl);
      for (const id of record.commandIds)
        await state.put(commandPointerKey(id), { wait: key }, ttl);
    },
    get: async (key) => (await state.get(key))?.record as CommandWaitRecord | undefined,
    waitOf: async (id) => (await state.get(commandPointerKey(id)))?.wait as string | undefined,
    complete: async (key, id): Promise<CompletionCount> => {
      const item = await state.get(key);
      const pending = await pendingOf(key);
      if (!item || !pending.includes(id)) return 'not-pending';
      const left = pending.filter((p) => p !== id);
      await state.put(key, { ...item, pending: left }, COMMAND_WAIT_TTL_SECONDS);
      return left.length === 0 ? 'last' : 'more';
    },
  };
}

const waitsOf = (ports: WaitedCommandPorts): CommandWaitStore =>
  ports.commandWaits ?? commandWaitsInState(ports.state);

/**
 * Sends one request. A deferred runner returns at once; a runner that runs to the end (a spoke's,
 * the local one) hands each result over as it comes, and each is stored on its own at
 * {@link commandResultKey} (one object per target, whatever the fleet). The key does not depend on
 * the output, so a retried send (new commands, new output) replaces each object rather than
 * orphaning it, and registers the wait again with the new references.
 */
async function sendOne(
  ports: WaitedCommandPorts,
  request: CommandRequest,
  execution: string,
  phase: string,
): Promise<WaitedSend> {
  if (ports.deferredCommands) return ports.deferredCommands.send(request);
  const documents = ports.stateDocuments;
  // Without a document store (unit compositions) the results stay inline.
  if (!documents) return { request, commands: [], finished: await ports.commands.run(request) };
  const stored: StoredResult[] = [];
  const store = async (result: CommandResult): Promise<void> => {
    stored.push({
      target: result.target,
      ref: await documents.putAt(commandResultKey(execution, phase, result.target), result),
    });
  };
  for (const result of await ports.commands.run(request, store)) await store(result);
  return { request, commands: [], finished: [], stored };
}

/** Settings of one send. */
export interface SendOptions {
  readonly executionId: string;
  /** `triage` (Collect) or `verify` (Verify): one wait per phase and execution. */
  readonly phase: string;
  /** `$$.Task.Token`; absent when the Task does not wait on one. */
  readonly taskToken?: string;
  /** How long the Task waits before its Catch reads what finished. */
  readonly waitSeconds: number;
}

/**
 * Sends every request, registers the wait, then completes the commands whose event came first
 * (their marks). Resumes the Task itself when nothing is pending; otherwise the last event will.
 * Returns the outcome it resumed with, or `{ waiting: true }` (the Task's result comes from the event).
 */
export async function sendAndRegister(
  ports: WaitedCommandPorts,
  clock: Clock,
  requests: readonly CommandRequest[],
  options: SendOptions,
): Promise<CommandWaitOutcome | { readonly waiting: true; readonly commands: number }> {
  const execution = executionName(options.executionId);
  const sent: WaitedSend[] = [];
  for (const request of requests)
    sent.push(await sendOne(ports, request, execution, options.phase));
  const commandIds = sent.flatMap((s) => s.commands.map((c) => c.commandId));
  const key = commandWaitKey(execution, options.phase);
  const inline = ports.stateDocuments === undefined || jsonBytes(sent) <= INLINE_SENT_LIMIT_BYTES;
  const record: CommandWaitRecord = {
    executionId: options.executionId,
    phase: options.phase,
    taskToken: options.taskToken ?? null,
    commandIds,
    ...(inline
      ? { sent }
      : {
          sentRef: await ports.stateDocuments!.putAt(
            commandSentKey(execution, options.phase),
            sent,
          ),
        }),
    registeredAt: clock.now().toISOString(),
    deadline: clock.now().getTime() + options.waitSeconds * 1000,
  };
  const waits = waitsOf(ports);
  await waits.register(key, record, COMMAND_WAIT_TTL_SECONDS);
  // An event that came before the registration found no pointer and left only its mark: count it here.
  let emptied = commandIds.length === 0;
  for (const id of commandIds) {
    if ((await ports.state.get(commandDoneKey(id))) === undefined) continue;
    if ((await waits.complete(key, id)) === 'last') emptied = true;
  }
  if (!emptied) return { waiting: true, commands: commandIds.length };
  const outcome: CommandWaitOutcome = {
    phase: options.phase,
    commands: commandIds.length,
    resumedBy: 'sender',
  };
  if (options.taskToken && ports.taskCallback)
    await ports.taskCallback.succeed(options.taskToken, outcome);
  return outcome;
}

/** Some targets' results of one request: one command's, or up to 50 stored results, or those known at send time. */
export interface WaitedResults {
  readonly request: CommandRequest;
  readonly results: readonly CommandResult[];
}

/** No wait was registered for the phase: the Task before this one did not run. */
export class CommandWaitMissingError extends Error {
  constructor(phase: string, executionId: string) {
    super(
      `no commands were registered for the ${phase} phase of ${executionId}: the send Task before this one did not run; check the execution's history`,
    );
    this.name = 'CommandWaitMissingError';
  }
}

/** The deferred runner that sent the wait's commands; a composition without one never sends any. */
function deferredRunnerOf(ports: WaitedCommandPorts, phase: string): DeferredCommandRunner {
  if (ports.deferredCommands) return ports.deferredCommands;
  throw new Error(
    `the ${phase} wait lists commands still running, but this function has no deferred command runner to read them: check that the send and read Tasks use the same command ports`,
  );
}

/**
 * Stored results yielded together: as many as one SSM command's (50 instance ids), so a part holds
 * what one command's results would, and its caller reads what the part's targets share (an EKS
 * cluster's view) once for the part, not once per target.
 */
const STORED_RESULTS_PER_PART = 50;
/** Stored results read at a time (state-document GETs overlap). */
const STORED_READS_AT_ONCE = 8;

/**
 * Reads the outcome of every command of the wait once (results of targets known at send time are
 * kept as they were); what has not finished is cancelled and reported as TimedOut with `why`.
 * Yields one part at a time (one command's results, or up to 50 stored results), in the order
 * sent, and reads the next only when asked: the caller stores each part and lets it go, so what
 * this holds is one command's outputs whatever the fleet.
 */
export async function* readWaitedResults(
  ports: WaitedCommandPorts,
  executionId: string,
  phase: string,
  why: string,
): AsyncGenerator<WaitedResults> {
  const record = await waitsOf(ports).get(commandWaitKey(executionName(executionId), phase));
  if (!record) throw new CommandWaitMissingError(phase, executionId);
  const sent = record.sent ?? ((await ports.stateDocuments!.get(record.sentRef!)) as WaitedSend[]);
  for (const s of sent) {
    if (s.finished.length > 0) yield { request: s.request, results: s.finished };
    const stored = s.stored ?? [];
    for (let i = 0; i < stored.length; i += STORED_RESULTS_PER_PART)
      yield {
        request: s.request,
        results: await pMap(
          stored.slice(i, i + STORED_RESULTS_PER_PART),
          async ({ ref }) => (await ports.stateDocuments!.get(ref)) as CommandResult,
          { concurrency: STORED_READS_AT_ONCE },
        ),
      };
    for (const command of s.commands)
      yield {
        request: s.request,
        results: await deferredRunnerOf(ports, phase).read(command, why),
      };
  }
}
