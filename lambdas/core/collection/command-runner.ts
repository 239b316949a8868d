/**
 * The port through which evidence collectors and host remediation documents run. The SSM
 * adapter (SendCommand to the project's own documents) and the local adapter (the same script
 * files on this machine) implement it, so a local run exercises exactly what SSM would execute.
 */

/** A terminal status, as SSM reports it (the local runner maps onto the same set). */
export type CommandStatus =
  | 'Success'
  | 'Failed'
  | 'TimedOut'
  | 'Cancelled'
  | 'Undeliverable'
  | 'InvalidTarget'
  | 'Throttled';

/** Run one of the project's documents, with typed parameters, on some targets. */
export interface CommandRequest {
  /** Document name, e.g. `Paramedic-CollectDockerHost`; never free-form shell. */
  readonly document: string;
  /** Values already validated against the document's allowedPattern. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Instance ids (SSM) or `local`. */
  readonly targets: readonly string[];
  /** Where targets of another account or region live (a hub's spokes), by target; absent: the runner's own. */
  readonly locations?: Readonly<
    Record<string, { readonly account: string; readonly region: string }>
  >;
  readonly timeoutSeconds: number;
}

/** What one target returned. */
export interface CommandResult {
  readonly target: string;
  readonly status: CommandStatus;
  readonly exitCode: number | null;
  /** Full stdout (fetched from S3 when SSM truncated it at 24,000 characters). */
  readonly stdout: string;
  readonly stderr: string;
  readonly commandId?: string;
  /** Where the full output is stored (s3://… or file://…), when it is. */
  readonly outputUri?: string;
  readonly durationMs?: number;
}

/** Runs documents on targets; never throws for a target's failure (that is a status). */
export interface CommandRunner {
  run(request: CommandRequest): Promise<readonly CommandResult[]>;
}

/** One SendCommand that was accepted: its id and the targets it runs on. */
export interface SentCommand {
  readonly commandId: string;
  readonly targets: readonly string[];
  /** Epoch ms when SSM accepted it. */
  readonly sentAt: number;
}

/** What {@link DeferredCommandRunner.send} started: JSON, stored while the workflow waits. */
export interface SentCommands {
  readonly request: CommandRequest;
  /** Commands still running when send returned (none for a runner that runs synchronously). */
  readonly commands: readonly SentCommand[];
  /** Targets whose result was known at send time (rejected by SSM, or every target of a synchronous runner). */
  readonly finished: readonly CommandResult[];
}

/**
 * Runs documents without waiting for them: `send` starts the commands and returns, the caller
 * waits for their completion elsewhere (SSM's status-change events resume the workflow), then
 * `read` reads each command's outcome once, cancels what still runs and reports it as TimedOut.
 */
export interface DeferredCommandRunner {
  send(request: CommandRequest): Promise<SentCommands>;
  /** The results of `sent.commands` (not `sent.finished`); `why` says, for unfinished targets, why nobody waited longer. */
  read(sent: SentCommands, why: string): Promise<readonly CommandResult[]>;
}

/**
 * A synchronous runner seen as a deferred one (the local runner, `paramedic collect`'s runners):
 * `send` runs to the end, so nothing is left to wait for or read.
 */
export function runToCompletion(runner: CommandRunner): DeferredCommandRunner {
  return {
    send: async (request) => ({ request, commands: [], finished: await runner.run(request) }),
    read: async () => [],
  };
}
