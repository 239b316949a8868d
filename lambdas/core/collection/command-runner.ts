/**
 * The port through which evidence collectors and host remediation documents run. The SSM
 * adapter (SendCommand to the project's own documents) and the local adapter (the same script
 * files on this machine) implement it, so a local run exercises exactly what SSM would execute.
 */

/** A terminal status, as SSM reports it (the local runner maps onto the same set). */
export type CommandStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'InvalidTarget' | 'Throttled';

/** Run one of the project's documents, with typed parameters, on some targets. */
export interface CommandRequest {
  /** Document name, e.g. `Paramedic-CollectDockerHost`; never free-form shell. */
  readonly document: string;
  /** Values already validated against the document's allowedPattern. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Instance ids (SSM) or `local`. */
  readonly targets: readonly string[];
  /** Where targets of another account or region live (a hub's spokes), by target; absent: the runner's own. */
  readonly locations?: Readonly<Record<string, { readonly account: string; readonly region: string }>>;
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
