/**
 * CommandRunner over SSM Run Command: the project's own documents only, typed parameters, up to 50
 * instances per SendCommand, polling with capped exponential backoff, full output from S3 (the API
 * truncates StandardOutputContent at 24,000 characters and ListCommandInvocations' Output at 2,500).
 *
 * AWS quirks handled here:
 * - GetCommandInvocation right after SendCommand throws InvocationDoesNotExist until the agent
 *   registers the invocation: treated as "still pending".
 *   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html
 * - SendCommand fails the whole batch when SSM refuses any one instance: InvalidInstanceId (unmanaged
 *   or stopped) or AccessDeniedException (IAM checks every instance named, and the roles may command
 *   only instances with the managed tag). The refused instances are set apart (the one IAM names) or
 *   found by halving the batch, the others still run; AccessDenied is never retried as such.
 * - ThrottlingException on any call: back off and retry; a batch that stays throttled is reported
 *   as `Throttled` rather than thrown.
 * - A host whose role may not upload its output (no InstanceOutputPolicy, or no use of the bucket's
 *   KMS key): SSM still lists the output's URL, but no object is there. The output then comes from
 *   GetCommandInvocation (24,000 characters, not the listed 2,500); cut there, the result's
 *   `outputError` says so and what to attach, instead of a cut bundle failing to parse.
 * - The runner stops polling at the earlier of the command's timeout (plus grace) and its caller's
 *   `deadline` (the Lambda's remaining time: its timeout is the Task's): what is still running then is
 *   cancelled (CancelCommand), so no host keeps acting after the workflow moved on.
 */
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type CommandInvocation,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsErrorMessage } from '../aws-sdk/aws-error-message.js';
import type { CommandCompletions } from '../../core/collection/command-completion.js';
import { deployedDocumentName, DOCUMENT_PREFIX } from '../../core/collection/document-names.js';
import { isCollectorDocument } from '../../core/collection/evidence-collectors.js';
import type {
  CommandResultSink,
  DeferredCommandRunner,
  SentCommand,
  SentCommands,
} from '../../core/collection/command-runner.js';
import { FinishedTargets } from './finished-targets.js';
import {
  batchRefusal,
  deniedBatchMessage,
  deniedInstanceMessage,
  isAccessDenied,
  type ManagedInstanceTag,
} from './send-command-rejection.js';
import type {
  CommandRequest,
  CommandResult,
  CommandRunner,
  CommandStatus,
} from '../../core/ports.js';

/** SendCommand's MaxConcurrency / MaxErrors: a count or a percentage, as SSM accepts them. */
export interface SsmRateLimit {
  readonly maxConcurrency: string;
  readonly maxErrors: string;
}

/** SSM's documented limit of instance ids per SendCommand. */
export const MAX_TARGETS_PER_SEND = 50;
/**
 * Output objects (each up to a collector's 1 MiB) read at once when one command is read alone: one by
 * one, a 50-host command's reads add up; all at once, its memory.
 */
const OUTPUT_READS_AT_ONCE = 8;
/** Characters of stdout GetCommandInvocation returns at most. */
export const SSM_OUTPUT_LIMIT = 24_000;
/** Characters of stderr GetCommandInvocation returns at most. */
const SSM_ERROR_LIMIT = 8_000;
/**
 * The marks the SSM agent puts where it cut an output (amazon-ssm-agent,
 * agent/framework/processor/executer/iohandler): a cut StandardOutputContent (24,000 characters in
 * all) ends with the suffix; a plugin's listed Output (2,500 characters, stdout then stderr) has the
 * mark after its cut stdout.
 */
const INLINE_CUT_SUFFIX = '--output truncated--';
const LISTED_CUT_MARK = '\n---Output truncated---';

/** True when GetCommandInvocation's text is only the start of the output. */
const isCutInline = (text: string, limit = SSM_OUTPUT_LIMIT): boolean =>
  text.length >= limit || text.endsWith(INLINE_CUT_SUFFIX);
/** True when a listed plugin Output is only the start of stdout. */
const isCutListed = (text: string): boolean => text.includes(LISTED_CUT_MARK);

/** An output read back: its text, where SSM stored it, and why the text is not whole when it is not. */
interface Output {
  readonly text: string;
  readonly uri?: string;
  readonly error?: string;
}

/**
 * How long after a command's own timeout the runner still waits for its result (the agent reports
 * a script SSM killed at its timeoutSeconds a little later) before it counts the target TimedOut.
 */
export const COMMAND_GRACE_MS = 30_000;

/** Reads SSM's full output from its bucket (lambdas/adapters/s3/s3-object-client.ts fills it in). */
export interface SsmOutputReader {
  /** The object's text; undefined when there is none (SSM writes no object for empty output). */
  getText(bucket: string, key: string): Promise<string | undefined>;
}

/** Settings of the runner. */
export interface SsmCommandRunnerOptions {
  /** Bucket SSM writes full output to (OutputS3BucketName). Without it, output over 24,000 characters is cut. */
  readonly outputBucket?: string;
  /** @default 'ssm-output' */
  readonly outputPrefix?: string;
  /** Reads full output from the bucket. Required with `outputBucket`. */
  readonly s3?: SsmOutputReader;
  /** @default 50 */
  readonly batchSize?: number;
  /** First poll delay, ms; doubles up to `pollMaxMs`. @default 1000 */
  readonly pollInitialMs?: number;
  /** @default 15000 */
  readonly pollMaxMs?: number;
  /** Attempts of one throttled call. @default 6 */
  readonly maxThrottleRetries?: number;
  /** Extra wall time after the request's timeout before unfinished invocations count as TimedOut. @default 30000 */
  readonly graceMs?: number;
  /** Injected for tests and the benchmark. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Epoch ms by which run() must return (the caller's own deadline); unfinished invocations are then cancelled. */
  readonly deadline?: () => number | undefined;
  /**
   * Completion by event: the runner waits for each command's terminal event (marked by the
   * CommandCompleted Lambda) and then reads its invocations once, instead of polling SSM. A lost
   * event costs one read at the deadline. Unset: polling with backoff.
   */
  readonly completions?: CommandCompletions;
  /** How often the completion marks are checked (no SSM call), ms. @default 5000 */
  readonly completionCheckMs?: number;
  /** CloudWatch log group for command output (optional). */
  readonly cloudWatchLogGroup?: string;
  /** The deployment's document prefix (`Paramedic-prod-`): catalogue names are sent under it. @default 'Paramedic-' */
  readonly documentPrefix?: string;
  /** Rate controls for collector documents and for action documents; unset leaves SSM's defaults. */
  readonly rateControl?: { readonly collect?: SsmRateLimit; readonly remediate?: SsmRateLimit };
  /** The tag the roles may command (config `managedInstanceTag`), named in a denied instance's result. @default unnamed */
  readonly managedInstanceTag?: ManagedInstanceTag;
}

/**
 * Terminal StatusDetails, keyed without spaces. SSM sends them with spaces ("Delivery Timed Out",
 * "Execution Timed Out", "Access Denied"), as the API reference lists the StatusDetails of
 * GetCommandInvocation and ListCommandInvocations and the user guide its statuses; a lookup strips them.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitor-commands.html
 */
const TERMINAL_BY_DETAILS: Readonly<Record<string, CommandStatus>> = {
  Success: 'Success',
  Failed: 'Failed',
  AccessDenied: 'Failed',
  ExecutionTimedOut: 'TimedOut',
  DeliveryTimedOut: 'Undeliverable',
  Undeliverable: 'Undeliverable',
  Terminated: 'Cancelled',
  Canceled: 'Cancelled',
  Cancelled: 'Cancelled',
  InvalidPlatform: 'InvalidTarget',
};
const TERMINAL_BY_STATUS: Readonly<Record<string, CommandStatus>> = {
  Success: 'Success',
  Failed: 'Failed',
  TimedOut: 'TimedOut',
  Cancelled: 'Cancelled',
};

/** Maps SSM's Status/StatusDetails to a terminal CommandStatus, or undefined while still running. */
export function terminalStatus(
  status: string | undefined,
  details: string | undefined,
): CommandStatus | undefined {
  // Status alone says TimedOut for an agent that never took the command (Delivery Timed Out):
  // the details tell it from a script that ran too long.
  const key = details?.replace(/\s+/g, '');
  if (key && Object.hasOwn(TERMINAL_BY_DETAILS, key)) return TERMINAL_BY_DETAILS[key];
  return status && Object.hasOwn(TERMINAL_BY_STATUS, status)
    ? TERMINAL_BY_STATUS[status]
    : undefined;
}

const errorName = (e: unknown): string => (e as { name?: string })?.name ?? '';
const isThrottle = (e: unknown): boolean =>
  [
    'ThrottlingException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'TooManyUpdates',
  ].includes(errorName(e));

/** `https://s3.<region>.amazonaws.com/<bucket>/<key>` or virtual-hosted form -> bucket and key. */
export function parseS3OutputUrl(url: string): { bucket: string; key: string } | undefined {
  try {
    const u = new URL(url);
    const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (/^s3[.-]/.test(u.hostname)) {
      const [bucket, ...rest] = path.split('/');
      return bucket && rest.length ? { bucket, key: rest.join('/') } : undefined;
    }
    const bucket = u.hostname.split('.s3')[0];
    return bucket && path ? { bucket, key: path } : undefined;
  } catch {
    return undefined;
  }
}

interface Pending {
  readonly commandId: string;
  readonly targets: readonly string[];
  readonly sentAt: number;
}

/** Runs the project's documents through SSM. Never throws for a target's failure. */
export class SsmCommandRunner implements CommandRunner, DeferredCommandRunner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly ssm: SSMClient,
    private readonly options: SsmCommandRunnerOptions = {},
  ) {
    if (options.outputBucket && !options.s3)
      throw new Error('SsmCommandRunner: outputBucket needs an s3 client to read full output back');
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? Date.now;
  }

  /**
   * Sends in batches, polls every command until each target is terminal or the deadline passes. With
   * `each`, every polled result goes to it as soon as its output is read (a spoke's collectors are
   * stored one host at a time); the targets SendCommand refused are returned.
   */
  async run(request: CommandRequest, each?: CommandResultSink): Promise<readonly CommandResult[]> {
    if (!request.document.startsWith('Paramedic-'))
      throw new Error(
        `refusing to run ${request.document}: only the project's Paramedic-* documents may run`,
      );
    const size = Math.min(this.options.batchSize ?? MAX_TARGETS_PER_SEND, MAX_TARGETS_PER_SEND);
    const unique = [...new Set(request.targets)];
    const results: CommandResult[] = [];
    const pending: Pending[] = [];
    for (let i = 0; i < unique.length; i += size) {
      await this.sendBatch(request, unique.slice(i, i + size), pending, results);
    }
    const polled = await Promise.all(pending.map((p) => this.poll(request, p, each)));
    results.push(...polled.flat());
    const order = new Map(unique.map((t, i) => [t, i]));
    return results.sort((a, b) => (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0));
  }

  /**
   * Sends in batches and returns without waiting: the workflow waits for SSM's completion events
   * on a task token, then calls {@link read}. No list or get call here.
   */
  async send(request: CommandRequest): Promise<SentCommands> {
    if (!request.document.startsWith('Paramedic-'))
      throw new Error(
        `refusing to run ${request.document}: only the project's Paramedic-* documents may run`,
      );
    const size = Math.min(this.options.batchSize ?? MAX_TARGETS_PER_SEND, MAX_TARGETS_PER_SEND);
    const unique = [...new Set(request.targets)];
    const finished: CommandResult[] = [];
    const pending: Pending[] = [];
    for (let i = 0; i < unique.length; i += size)
      await this.sendBatch(request, unique.slice(i, i + size), pending, finished);
    return {
      request: { ...request, targets: unique },
      commands: pending.map((p) => ({
        commandId: p.commandId,
        targets: [...p.targets],
        sentAt: p.sentAt,
      })),
      finished,
    };
  }

  /**
   * Reads one sent command once (one ListCommandInvocations, output from S3), after its completion
   * event or the wait's timeout: what has not finished is cancelled and reported as TimedOut, `why`
   * saying why nobody waited longer.
   */
  async read(p: SentCommand, why: string): Promise<readonly CommandResult[]> {
    const done = new FinishedTargets();
    await this.withThrottleRetry(() =>
      p.targets.length === 1
        ? this.pollOne(p, p.targets[0]!, done)
        : this.pollMany(p, done, OUTPUT_READS_AT_ONCE),
    );
    const unfinished = p.targets.filter((t) => !done.has(t));
    if (unfinished.length > 0) {
      const cancelled = await this.cancel(p.commandId, unfinished);
      for (const target of unfinished)
        await done.add({
          target,
          status: 'TimedOut',
          exitCode: null,
          stdout: '',
          stderr: `${why}; ${cancelled}`,
          commandId: p.commandId,
        });
    }
    const order = new Map(p.targets.map((t, i) => [t, i]));
    return done.kept.sort((a, b) => (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0));
  }

  private async withThrottleRetry<T>(call: () => Promise<T>): Promise<T> {
    const max = this.options.maxThrottleRetries ?? 6;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isThrottle(error) || attempt >= max) throw error;
        await this.sleep(Math.min(200 * 2 ** attempt, 10_000));
      }
    }
  }

  /**
   * MaxConcurrency/MaxErrors for this document's kind (collectors are read-only, actions change
   * hosts). Every document of the project that is not a collector is an action; a name that is
   * neither is no document of the deployment, and SSM refuses it whatever the limits. Asking
   * only whether it is a collector keeps the action catalogue out of the functions that collect.
   */
  private rateLimitOf(document: string): SsmRateLimit | undefined {
    return isCollectorDocument(document)
      ? this.options.rateControl?.collect
      : this.options.rateControl?.remediate;
  }

  /** Sends one batch; when SSM refuses some of its instances, sends to the others (see {@link sendAround}). */
  private async sendBatch(
    request: CommandRequest,
    batch: readonly string[],
    pending: Pending[],
    results: CommandResult[],
  ): Promise<void> {
    try {
      const commandId = await this.withThrottleRetry(() => this.sendCommand(request, batch));
      pending.push({ commandId, targets: batch, sentAt: this.now() });
    } catch (error) {
      if (batch.length > 1) await this.sendAround(request, batch, error, pending, results);
      else results.push(this.notSent(batch[0]!, error));
    }
  }

  /**
   * A batch of several instances was refused: one refused instance must not keep the other 49 from
   * running. IAM names the first instance it denied: that one is set apart (k denied cost k extra
   * calls); a refusal naming none is halved (about 2k·log2(n/k) extra calls). A refusal that is not
   * about an instance (the document denied, a service error) fails the whole batch. Each part is a
   * new send with its own throttling retries; none starts past the caller's deadline.
   */
  private async sendAround(
    request: CommandRequest,
    batch: readonly string[],
    error: unknown,
    pending: Pending[],
    results: CommandResult[],
  ): Promise<void> {
    const refusal = batchRefusal(error, batch);
    if (refusal.kind === 'whole-batch') {
      for (const target of batch) results.push(this.notSent(target, error));
      return;
    }
    let parts: (readonly string[])[];
    if (refusal.kind === 'set-apart') {
      results.push(this.notSent(refusal.instance, error));
      parts = [batch.filter((t) => t !== refusal.instance)];
    } else {
      const half = Math.ceil(batch.length / 2);
      parts = [batch.slice(0, half), batch.slice(half)];
    }
    for (const part of parts) {
      const deadline = this.options.deadline?.();
      if (deadline !== undefined && this.now() >= deadline) {
        for (const target of part)
          results.push({
            target,
            status: 'TimedOut',
            exitCode: null,
            stdout: '',
            stderr: `not sent: the step's deadline (the Lambda/Task timeout) passed while setting apart the instances SendCommand refused in its batch; ${awsErrorMessage(error)}`,
          });
        continue;
      }
      await this.sendBatch(request, part, pending, results);
    }
  }

  /** The result of a target SendCommand refused, saying what to do. */
  private notSent(target: string, error: unknown): CommandResult {
    const status: CommandStatus =
      errorName(error) === 'InvalidInstanceId'
        ? 'InvalidTarget'
        : isThrottle(error)
          ? 'Throttled'
          : 'Failed';
    // Denied on the document, not the instance: tagging the instance would not help.
    const stderr = !isAccessDenied(error)
      ? awsErrorMessage(error)
      : batchRefusal(error, [target]).kind === 'whole-batch'
        ? deniedBatchMessage(error)
        : deniedInstanceMessage(target, this.options.managedInstanceTag, error);
    return { target, status, exitCode: null, stdout: '', stderr };
  }

  /** One SendCommand of the request's document to `batch`; its CommandId. */
  private async sendCommand(request: CommandRequest, batch: readonly string[]): Promise<string> {
    const limit = this.rateLimitOf(request.document);
    const out = await this.ssm.send(
      new SendCommandCommand({
        DocumentName: deployedDocumentName(
          request.document,
          this.options.documentPrefix ?? DOCUMENT_PREFIX,
        ),
        ...(limit ? { MaxConcurrency: limit.maxConcurrency, MaxErrors: limit.maxErrors } : {}),
        InstanceIds: [...batch],
        Parameters: Object.fromEntries(
          Object.entries(request.parameters).map(([k, v]) => [k, [v]]),
        ),
        TimeoutSeconds: Math.max(30, request.timeoutSeconds),
        Comment: 'paramedic',
        ...(this.options.outputBucket
          ? {
              OutputS3BucketName: this.options.outputBucket,
              OutputS3KeyPrefix: this.options.outputPrefix ?? 'ssm-output',
            }
          : {}),
        ...(this.options.cloudWatchLogGroup
          ? {
              CloudWatchOutputConfig: {
                CloudWatchOutputEnabled: true,
                CloudWatchLogGroupName: this.options.cloudWatchLogGroup,
              },
            }
          : {}),
      }),
    );
    const commandId = out.Command?.CommandId;
    if (!commandId) throw new Error('SendCommand returned no CommandId');
    return commandId;
  }

  private async poll(
    request: CommandRequest,
    p: Pending,
    each: CommandResultSink | undefined,
  ): Promise<CommandResult[]> {
    const ownDeadline =
      p.sentAt + request.timeoutSeconds * 1000 + (this.options.graceMs ?? COMMAND_GRACE_MS);
    const callerDeadline = this.options.deadline?.();
    const deadline =
      callerDeadline === undefined ? ownDeadline : Math.min(ownDeadline, callerDeadline);
    const done = new FinishedTargets(each);
    const initialDelay = this.options.pollInitialMs ?? 1000;
    if (this.options.completions)
      await this.waitForCompletion(this.options.completions, p.commandId, deadline);
    // By event: read at once, and at least once even past the deadline (a lost event); then poll what is left.
    let mustRead = this.options.completions !== undefined;
    let delay = mustRead ? 0 : initialDelay;
    while (done.size < p.targets.length && (mustRead || this.now() < deadline)) {
      mustRead = false;
      if (delay > 0) await this.sleep(Math.max(0, Math.min(delay, deadline - this.now())));
      delay = delay === 0 ? initialDelay : Math.min(delay * 2, this.options.pollMaxMs ?? 15_000);
      try {
        if (p.targets.length === 1) await this.pollOne(p, p.targets[0]!, done);
        // Every command of the request polls at once: one output read each keeps the run's memory flat.
        else await this.pollMany(p, done, 1);
      } catch (error) {
        if (!isThrottle(error)) throw error;
        delay = Math.min(delay * 2, this.options.pollMaxMs ?? 15_000);
      }
    }
    const unfinished = p.targets.filter((t) => !done.has(t));
    if (unfinished.length === 0) return done.kept;
    const why =
      deadline < ownDeadline
        ? "before the step's deadline (the Lambda/Task timeout)"
        : `within ${request.timeoutSeconds}s`;
    const cancelled = await this.cancel(p.commandId, unfinished);
    for (const target of unfinished) {
      await done.add({
        target,
        status: 'TimedOut',
        exitCode: null,
        stdout: '',
        stderr: `no terminal status ${why}; ${cancelled}`,
        commandId: p.commandId,
      });
    }
    return done.kept;
  }

  /** Waits (state-table reads, no SSM call) until the command's terminal event is marked, or the deadline. */
  private async waitForCompletion(
    completions: CommandCompletions,
    commandId: string,
    deadline: number,
  ): Promise<void> {
    const every = this.options.completionCheckMs ?? 5000;
    while (this.now() < deadline) {
      if (await completions.isDone(commandId)) return;
      await this.sleep(Math.max(0, Math.min(every, deadline - this.now())));
    }
  }

  /** Cancels what still runs of a command (best effort: the outcome is already TimedOut); says what happened. */
  private async cancel(commandId: string, instances: readonly string[]): Promise<string> {
    try {
      await this.withThrottleRetry(() =>
        this.ssm.send(
          new CancelCommandCommand({ CommandId: commandId, InstanceIds: [...instances] }),
        ),
      );
      return 'CancelCommand sent';
    } catch (error) {
      return `CancelCommand failed (${awsErrorMessage(error)}); check the command ${commandId} in the SSM console`;
    }
  }

  /** One target: GetCommandInvocation gives status and up to 24,000 characters in one call. */
  private async pollOne(p: Pending, target: string, done: FinishedTargets): Promise<void> {
    let out: GetCommandInvocationCommandOutput;
    try {
      out = await this.ssm.send(
        new GetCommandInvocationCommand({ CommandId: p.commandId, InstanceId: target }),
      );
    } catch (error) {
      if (errorName(error) === 'InvocationDoesNotExist') return; // not registered yet, right after SendCommand
      throw error;
    }
    const status = terminalStatus(out.Status, out.StatusDetails);
    if (!status) return;
    const stdout = await this.fullOutput(
      target,
      out.StandardOutputContent ?? '',
      out.StandardOutputUrl,
      SSM_OUTPUT_LIMIT,
    );
    const stderr = await this.fullOutput(
      target,
      out.StandardErrorContent ?? '',
      out.StandardErrorUrl,
      SSM_ERROR_LIMIT,
    );
    await done.add(this.result(target, status, out.ResponseCode, stdout, stderr.text, p.commandId));
  }

  /** Many targets: one paginated ListCommandInvocations per poll instead of one call per instance. */
  private async pollMany(p: Pending, done: FinishedTargets, readsAtOnce: number): Promise<void> {
    let token: string | undefined;
    const finished: CommandInvocation[] = [];
    do {
      const out = await this.ssm.send(
        new ListCommandInvocationsCommand({
          CommandId: p.commandId,
          Details: true,
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const inv of out.CommandInvocations ?? []) {
        if (
          inv.InstanceId &&
          !done.has(inv.InstanceId) &&
          terminalStatus(inv.Status, inv.StatusDetails)
        )
          finished.push(inv);
      }
      token = out.NextToken;
    } while (token);
    for (let i = 0; i < finished.length; i += readsAtOnce)
      await Promise.all(
        finished
          .slice(i, i + readsAtOnce)
          .map(async (inv) => done.add(await this.invocationResult(p, inv))),
      );
  }

  /** The result of one finished invocation, its full output read back. */
  private async invocationResult(p: Pending, inv: CommandInvocation): Promise<CommandResult> {
    const target = inv.InstanceId!;
    const status = terminalStatus(inv.Status, inv.StatusDetails)!;
    const plugin = inv.CommandPlugins?.[0];
    const url = plugin?.StandardOutputUrl;
    const saved = url ? await this.readS3(url) : undefined;
    let stdout: Output;
    let stderr: string;
    if (url && saved !== undefined) {
      stdout = { text: saved, uri: url };
      stderr = plugin?.StandardErrorUrl ? ((await this.readS3(plugin.StandardErrorUrl)) ?? '') : '';
    } else {
      // No object: no bucket, an empty output (SSM writes no object for it), or a host whose role
      // may not upload it, while SSM still lists its URL. GetCommandInvocation has up to 24,000
      // characters; the listed Output only 2,500, stdout and stderr together.
      const full = await this.getInvocation(p.commandId, target);
      stdout = full
        ? this.inlineOutput(target, full.StandardOutputContent ?? '', url, isCutInline)
        : this.inlineOutput(target, plugin?.Output ?? '', url, isCutListed);
      stderr = full?.StandardErrorContent ?? '';
    }
    return this.result(target, status, plugin?.ResponseCode ?? null, stdout, stderr, p.commandId);
  }

  private async getInvocation(
    commandId: string,
    target: string,
  ): Promise<GetCommandInvocationCommandOutput | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.withThrottleRetry(() =>
          this.ssm.send(
            new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: target }),
          ),
        );
      } catch (error) {
        if (errorName(error) !== 'InvocationDoesNotExist') throw error;
        await this.sleep(500 * (attempt + 1));
      }
    }
    return undefined;
  }

  /** The whole output: `inline` when SSM did not cut it at `limit`, else the object at `url`. */
  private async fullOutput(
    target: string,
    inline: string,
    url: string | undefined,
    limit: number,
  ): Promise<Output> {
    if (!isCutInline(inline, limit)) return { text: inline, ...(url ? { uri: url } : {}) };
    const saved = url ? await this.readS3(url) : undefined;
    if (url && saved !== undefined) return { text: saved, uri: url };
    return this.inlineOutput(target, inline, url, (text) => isCutInline(text, limit));
  }

  /** Output as SSM returned it inline, with why it is not whole when it was cut. */
  private inlineOutput(
    target: string,
    inline: string,
    url: string | undefined,
    isCut: (text: string) => boolean,
  ): Output {
    if (!isCut(inline)) return { text: inline };
    const where = url ? parseS3OutputUrl(url) : undefined;
    return {
      text: inline,
      error:
        where && this.options.s3
          ? `SSM could not store the output of ${target} in bucket ${where.bucket}, and returns only its start (${inline.length} characters): attach the managed policy of stack output InstanceOutputPolicyArn (upload to ${this.options.outputPrefix ?? 'ssm-output'}/* and use of the bucket's KMS key) to the host's instance profile role, or list the role in config instanceRoleNames and deploy`
          : `SSM returns only the start of the output of ${target} (${inline.length} characters) and names no object to read the rest from: the runner was given no output bucket`,
    };
  }

  /** The object's text at an SSM output URL; undefined when it is not there or no reader is set. */
  private async readS3(url: string): Promise<string | undefined> {
    const loc = parseS3OutputUrl(url);
    if (!loc || !this.options.s3) return undefined;
    return this.options.s3.getText(loc.bucket, loc.key);
  }

  private result(
    target: string,
    status: CommandStatus,
    code: number | null | undefined,
    stdout: Output,
    stderr: string,
    commandId: string,
  ): CommandResult {
    const loc = stdout.uri ? parseS3OutputUrl(stdout.uri) : undefined;
    return {
      target,
      status,
      exitCode: typeof code === 'number' && code >= 0 ? code : null,
      stdout: stdout.text,
      stderr,
      commandId,
      ...(loc ? { outputUri: `s3://${loc.bucket}/${loc.key}` } : {}),
      ...(stdout.error ? { outputError: stdout.error } : {}),
    };
  }
}
