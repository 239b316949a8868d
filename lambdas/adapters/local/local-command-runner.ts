import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  documentEnvironment,
  findCommandDocument,
  listCommandDocuments,
  resolveDocumentParameters,
  type CommandDocument,
} from '../../core/collection/collector-documents.js';
import type {
  CommandRequest,
  CommandResult,
  CommandRunner,
  CommandStatus,
} from '../../core/collection/command-runner.js';
import { renderDocumentScript } from './document-scripts.js';
import { REPO_ROOT } from './runbook-directory.js';

/** Options of the local runner. */
export interface LocalCommandRunnerOptions {
  /** Repository root the document scripts are read from. @default REPO_ROOT */
  readonly repoRoot?: string;
  /**
   * Extra environment for the script (trusted, set by code): e.g. `DOCKER_HOST` to point a
   * collector at another daemon, `PARAMEDIC_DOCKER_LOG_FILE`. @default DOCKER_HOST of this process, if set
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Command prefix the script runs under, e.g. `['ip', 'netns', 'exec', 'pm-test']`. @default [] */
  readonly wrapper?: readonly string[];
  /** Largest stdout kept, bytes (the tail is kept beyond it). @default 16 MiB */
  readonly maxOutputBytes?: number;
}

/** A document name that is not in the catalogue. */
export class UnknownDocumentError extends Error {
  constructor(readonly documentName: string) {
    super(
      `unknown document ${documentName}; expected one of ${listCommandDocuments()
        .map((d) => d.documentName)
        .join(', ')}`,
    );
    this.name = 'UnknownDocumentError';
  }
}

interface Captured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

function execute(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  maxBytes: number,
): Promise<Captured> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    const keep = (chunks: Buffer[], chunk: Buffer, size: number) => {
      chunks.push(chunk);
      while (size > maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
      return size;
    };
    child.stdout.on('data', (c: Buffer) => {
      outBytes = keep(out, c, outBytes + c.length);
    });
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
    });
    // The script's whole process group goes on timeout, as the SSM agent kills the document.
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timer);
      const stderr =
        Buffer.concat(err).toString('utf8') + (spawnError ? `${spawnError.message}\n` : '');
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        timedOut,
        ms: Date.now() - started,
      });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function statusOf(c: Captured): CommandStatus {
  if (c.timedOut) return 'TimedOut';
  return c.code === 0 ? 'Success' : 'Failed';
}

/**
 * Runs the project's documents on this machine (target `local`): the script of the catalogue
 * entry, libraries inlined exactly as in the SSM document, parameters validated against their
 * allowedPattern and passed as environment variables, never spliced into shell text.
 * @example await new LocalCommandRunner().run({ document: 'Paramedic-CollectDockerHost', parameters: {}, targets: ['local'], timeoutSeconds: 60 })
 */
export class LocalCommandRunner implements CommandRunner {
  private readonly repoRoot: string;
  private readonly env: Readonly<Record<string, string>>;
  private readonly wrapper: readonly string[];
  private readonly maxOutputBytes: number;

  constructor(options: LocalCommandRunnerOptions = {}) {
    this.repoRoot = options.repoRoot ?? REPO_ROOT;
    this.env = {
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...options.env,
    };
    this.wrapper = options.wrapper ?? [];
    this.maxOutputBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
  }

  /**
   * @throws UnknownDocumentError for a document outside the catalogue.
   * @throws DocumentParameterError for a value the document refuses (as SSM refuses SendCommand).
   */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    const doc = findCommandDocument(request.document);
    if (!doc) throw new UnknownDocumentError(request.document);
    const resolved = resolveDocumentParameters(doc, request.parameters);
    const results: CommandResult[] = [];
    for (const target of request.targets) {
      if (target !== 'local') {
        results.push({
          target,
          status: 'InvalidTarget',
          exitCode: null,
          stdout: '',
          stderr: `the local runner only runs on target "local", not ${target}`,
        });
        continue;
      }
      results.push(await this.runLocal(doc, resolved, request.timeoutSeconds));
    }
    return results;
  }

  private async runLocal(
    doc: CommandDocument,
    resolved: Record<string, string>,
    timeoutSeconds: number,
  ): Promise<CommandResult> {
    const script = await renderDocumentScript(doc, this.repoRoot);
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-doc-'));
    const file = join(dir, `${doc.documentName}.sh`);
    try {
      writeFileSync(file, script, { mode: 0o700 });
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
        // The script's scratch files live in our temp dir, removed below even when it was killed.
        TMPDIR: dir,
        ...this.env,
        ...documentEnvironment(doc, resolved),
      };
      const captured = await execute(
        [...this.wrapper, 'bash', file],
        env,
        timeoutSeconds * 1000,
        this.maxOutputBytes,
      );
      return {
        target: 'local',
        status: statusOf(captured),
        exitCode: captured.timedOut ? null : captured.code,
        stdout: captured.stdout,
        stderr: captured.stderr,
        durationMs: captured.ms,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
