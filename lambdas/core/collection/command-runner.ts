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
  /**
   * Set when `stdout` is only the start of the output (SSM cut it and its full copy could not be
   * read): what happened and what to do. The status stays the command's own.
   */
  readonly outputError?: string;
  readonly durationMs?: number;
}

/**
 * Receives one target's result as soon as the runner knows it. A collector prints up to 1 MiB a host:
 * a caller that stores each result here never holds the outputs of a whole fleet at once.
 */
export type CommandResultSink = (result: CommandResult) => Promise<void>;

/** Runs documents on targets; never throws for a target's failure (that is a status). */
export interface CommandRunner {
  /**
   * Runs the request to the end. A runner may give results to `each` as they come (and then does
   * not return them); it returns the others, so a caller passing `each` handles both.
   */
  run(request: CommandRequest, each?: CommandResultSink): Promise<readonly CommandResult[]>;
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
  /** Commands still running when send returned. */
  readonly commands: readonly SentCommand[];
  /** Targets whose result was known at send time (rejected by SSM: no output). */
  readonly finished: readonly CommandResult[];
}

/**
 * Runs documents without waiting for them: `send` starts the commands and returns, the caller
 * waits for their completion elsewhere (SSM's status-change events resume the workflow), then
 * `read` reads each command's outcome once, cancels what still runs and reports it as TimedOut.
 */
export interface DeferredCommandRunner {
  send(request: CommandRequest): Promise<SentCommands>;
  /**
   * The results of one sent command (at most 50 targets: the caller reads one command at a time, so
   * it never holds more than one command's outputs); `why` says, for unfinished targets, why nobody
   * waited longer.
   */
  read(command: SentCommand, why: string): Promise<readonly CommandResult[]>;
}
