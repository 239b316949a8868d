/**
 * Runs the workflow on this machine: the state machine CDK synthesizes (workflow.asl.json),
 * executed by aws-local-stepfunctions, every Task state overridden by name with its core step over
 * the local ports. Records the path taken (state entered/exited times) beside the audit trail for the console.
 */
import '../adapters/local/polyfills.js';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { sha256Hex } from '../adapters/local/data-dir.js';
import { hostname } from 'node:os';
import type { ExecutionOwner } from '../core/workflow/interrupted-executions.js';

/** A Task handler: state input in, result out (the integration's raw result shape). */
export type TaskHandler = (input: any) => Promise<unknown> | unknown;

/** A workflow ready to run locally. */
export interface LocalWorkflow {
  readonly definition: Record<string, any>;
  readonly tasks: Readonly<Record<string, TaskHandler>>;
  /** Wait states shortened locally (milliseconds). */
  readonly waitOverrides?: Readonly<Record<string, number>>;
}

/** One state the execution passed through. */
export interface PathStep {
  readonly state: string;
  readonly type: string;
  readonly enteredAt: string;
  exitedAt?: string;
  error?: string;
}

/** What the local executor keeps of one execution (`<dataDir>/executions/<id>.json`). */
export interface ExecutionRecord {
  readonly executionId: string;
  /** Always `cdk` (the definition CDK deploys); records written before the local definition was removed may say `local`. */
  readonly workflowSource: 'cdk' | 'local';
  /** sha256 of the definition; the definition itself is in `<dataDir>/workflows/<sha>.json`. */
  readonly definitionSha256: string;
  readonly startedAt: string;
  finishedAt?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'INTERRUPTED';
  /** The process running it, so the next start can tell a killed run from a busy one (interrupted-runs.ts). */
  readonly owner?: ExecutionOwner;
  readonly path: PathStep[];
  readonly input: unknown;
  output?: unknown;
  error?: string;
}

/** A Task state of the definition has no local handler. */
export class MissingTaskHandlerError extends Error {
  constructor(readonly states: readonly string[]) {
    super(
      `no local handler for Task state(s) ${states.join(', ')}: every Task must be overridden locally, or it would call real AWS`,
    );
    this.name = 'MissingTaskHandlerError';
  }
}

/** Names of every Task state, including inside Parallel branches and Map iterators. */
export function taskStateNames(definition: Record<string, any>): string[] {
  const out: string[] = [];
  const walk = (states: Record<string, any> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Task') out.push(name);
      for (const branch of state.Branches ?? []) walk(branch.States);
      walk(state.Iterator?.States ?? state.ItemProcessor?.States);
    }
  };
  walk(definition.States);
  return out;
}

/** Names of states with a Retry (their back-off is skipped locally). */
export function retryableStates(definition: Record<string, any>): string[] {
  return Object.entries(definition.States ?? {})
    .filter(([, s]: [string, any]) => Array.isArray(s.Retry) && s.Retry.length > 0)
    .map(([n]) => n);
}

/** Persists execution records and the definitions they ran. */
export class ExecutionRecords {
  private readonly dir: string;
  private readonly workflowsDir: string;

  constructor(dataDir: string) {
    this.dir = resolve(dataDir, 'executions');
    this.workflowsDir = resolve(dataDir, 'workflows');
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id))
      throw new Error(`execution id ${JSON.stringify(id)} is invalid`);
    return join(this.dir, `${id}.json`);
  }

  /** Writes (replaces) a record. */
  async save(rec: ExecutionRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(rec.executionId);
    await writeFile(`${file}.tmp`, JSON.stringify(rec, null, 1));
    await rename(`${file}.tmp`, file);
  }

  /** Stores a definition once, by hash. */
  async saveDefinition(definition: unknown): Promise<string> {
    const text = JSON.stringify(definition);
    const sha = sha256Hex(text);
    await mkdir(this.workflowsDir, { recursive: true });
    const file = join(this.workflowsDir, `${sha}.json`);
    if (!existsSync(file)) await writeFile(file, text);
    return sha;
  }

  /** A definition by hash. */
  async definition(sha: string): Promise<Record<string, any> | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.workflowsDir, `${sha}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** One record. */
  async get(id: string): Promise<ExecutionRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as ExecutionRecord;
    } catch {
      return undefined;
    }
  }

  /** Every record id. */
  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir))
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -5));
    } catch {
      return [];
    }
  }
}

/** Result of one local execution. */
export interface LocalExecutionResult {
  readonly record: ExecutionRecord;
  readonly output: any;
}

/**
 * Executes a workflow with aws-local-stepfunctions, every Task overridden by state name.
 * @throws MissingTaskHandlerError before running when a Task has no handler.
 */
export async function executeLocally(
  workflow: LocalWorkflow,
  executionId: string,
  input: unknown,
  records: ExecutionRecords,
  options: { onState?: (step: PathStep) => void } = {},
): Promise<LocalExecutionResult> {
  const missing = taskStateNames(workflow.definition).filter(
    (n) => typeof workflow.tasks[n] !== 'function',
  );
  if (missing.length > 0) throw new MissingTaskHandlerError(missing);
  const definitionSha256 = await records.saveDefinition(workflow.definition);
  const record: ExecutionRecord = {
    executionId,
    workflowSource: 'cdk',
    definitionSha256,
    startedAt: new Date().toISOString(),
    status: 'RUNNING',
    owner: { pid: process.pid, host: hostname() },
    path: [],
    input,
  };
  await records.save(record);
  const machine = new StateMachine(workflow.definition as StateMachineDefinition, {
    validationOptions: { checkArn: false },
  });
  const handlers: Record<string, (i: any) => Promise<any>> = {};
  for (const name of taskStateNames(workflow.definition))
    handlers[name] = async (i: any) => (await workflow.tasks[name]!(i)) as any;
  const execution = machine.run(input as any, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: { ...workflow.waitOverrides },
      retryIntervalOverrides: Object.fromEntries(
        retryableStates(workflow.definition).map((n) => [n, 0]),
      ),
    },
    // waitForTaskToken is not emulated: the token only has to exist for the Parameters to resolve.
    context: {
      Execution: { Id: executionId, Name: executionId, StartTime: record.startedAt },
      Task: { Token: `local-token-${executionId}` },
    } as any,
  });
  const open = new Map<string, PathStep>();
  const consume = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        const step: PathStep = {
          state: event.state.name,
          type: event.state.type,
          enteredAt: new Date(event.timestamp).toISOString(),
        };
        record.path.push(step);
        open.set(event.state.name, step);
      } else if (
        event.type === 'StateExited' ||
        event.type === 'StateFailed' ||
        event.type === 'StateCaught'
      ) {
        const step = open.get(event.state.name);
        if (step) {
          step.exitedAt ??= new Date(event.timestamp).toISOString();
          if (event.type !== 'StateExited')
            step.error ??= `${(event as any).Error}: ${String((event as any).Cause ?? '').slice(0, 300)}`;
          if (event.type === 'StateExited') options.onState?.(step);
        }
      }
    }
  })();
  try {
    const output = await execution.result;
    await consume.catch(() => undefined);
    record.status = 'SUCCEEDED';
    record.output = output;
    return { record, output };
  } catch (error) {
    await consume.catch(() => undefined);
    record.status = 'FAILED';
    record.error = (error as Error).message;
    throw error;
  } finally {
    record.finishedAt = new Date().toISOString();
    await records.save(record);
  }
}

/** A new local execution id: `local-<utc time>-<random>`. */
export function newExecutionId(now = new Date()): string {
  return `local-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${sha256Hex(`${Math.random()}${process.pid}`).slice(0, 6)}`;
}
