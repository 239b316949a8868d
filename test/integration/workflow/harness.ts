/**
 * Runs the synthesized workflow ASL locally (aws-local-stepfunctions) with the real Task functions
 * over real local infrastructure: DynamoDB stores on dynalite, evidence in S3 on s3rver. Only the
 * hosts are simulated: a fleet whose collectors print recorded evidence bundles and whose action
 * documents change the host's state (SSM cannot run here).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll } from 'vitest';
import { renderWorkflowAsl } from '../../../cdk/workflow/render-workflow-asl.js';
import { bindWorkflowSteps } from '../../../lambdas/core/workflow/steps/index.js';
import {
  resolveWorkflowConfig,
  type WorkflowConfig,
} from '../../../lambdas/core/workflow/config.js';
import type { ApprovalGate, WorkflowPorts } from '../../../lambdas/core/workflow/ports.js';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { DynamoDbAuditStore } from '../../../lambdas/adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbStateStore } from '../../../lambdas/adapters/dynamodb/dynamodb-state-store.js';
import { DynamoDbLockStore } from '../../../lambdas/adapters/dynamodb/dynamodb-lock-store.js';
import {
  createAuditTable,
  createStateTable,
} from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { S3EvidenceStore } from '../../../lambdas/adapters/s3/s3-evidence-store.js';
import { S3ObjectClient } from '../../../lambdas/adapters/s3/s3-object-client.js';
import { S3StateDocuments } from '../../../lambdas/adapters/s3/s3-state-documents.js';
import { REPO_ROOT, loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { readEvidenceFile } from '../../../lambdas/adapters/local/evidence-files.js';
import type {
  CommandRequest,
  CommandResult,
  CommandRunner,
  Notifier,
} from '../../../lambdas/core/workflow/ports.js';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import { startExecutionIdentity } from '../../../lambdas/adapters/stepfunctions/start-execution-identity.js';
import { isAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import { RaisedAlarms } from '../../support/raised-alarms.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

// Fault evidence is real: bundles recorded from a real Docker engine (test/fixtures/recorded), in the
// repository so a fresh clone runs these tests without the shared corpus beside it.
const RECORDED = join(REPO_ROOT, 'test', 'fixtures', 'recorded');

/** The evidence a simulated host's collector prints: the first recorded bundle labelled with its fault, or a healthy host. */
function hostEvidence(fault: string | null): Record<string, unknown> {
  if (!fault) return fixture('healthy-host.json');
  for (const file of readdirSync(RECORDED)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const doc = readEvidenceFile(join(RECORDED, file));
    if (doc.labelled?.label === fault) return { ...doc.bundle };
  }
  throw new Error(`no recorded bundle in ${RECORDED} is labelled ${fault}`);
}

/** A fixture file parsed. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** One simulated host: the failure it shows (a fixture bundle name) and how its fixes behave. */
export interface SimulatedHost {
  fault: string | null;
  /** `fails`: action documents exit 1; `no-effect`: they succeed but the fault stays. */
  fix?: 'works' | 'fails' | 'no-effect';
  /** Sections the collector prints instead of the recorded bundle of `fault` (until a fix clears the fault). */
  sections?: Record<string, { output: string }>;
}

/** A document run on one host, with its time span (to prove mutual exclusion). */
export interface ActionRun {
  readonly target: string;
  readonly document: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly start: number;
  readonly end: number;
}

/** What SSM answers for an instance it does not manage: the fleets' result for a host they do not simulate. */
export function invalidTarget(target: string, commandId: string): CommandResult {
  return {
    target,
    status: 'InvalidTarget',
    exitCode: null,
    stdout: '',
    stderr: 'InvalidInstanceId',
    commandId,
  };
}

/** CommandRunner over simulated hosts: collectors print their evidence, action documents change them. */
export class SimulatedFleet implements CommandRunner {
  readonly hosts = new Map<string, SimulatedHost>();
  readonly actions: ActionRun[] = [];
  /** Action documents run with dryRun=1: like the real scripts, they print what they would run and change nothing. */
  readonly dryRuns: CommandRequest[] = [];
  readonly requests: CommandRequest[] = [];
  private seq = 0;

  constructor(private readonly actionMs = 25) {}

  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    this.requests.push(request);
    const commandId = `cmd-${++this.seq}`;
    const collector = request.document.startsWith('Paramedic-Collect');
    return Promise.all(
      request.targets.map(async (target): Promise<CommandResult> => {
        const host = this.hosts.get(target);
        if (!host) return invalidTarget(target, commandId);
        if (collector) {
          const recorded = hostEvidence(host.fault);
          const bundle =
            host.sections && host.fault ? { ...recorded, sections: host.sections } : recorded;
          const stdout = JSON.stringify({
            ...bundle,
            target: { platform: 'docker', instanceId: target },
          });
          return {
            target,
            status: 'Success',
            exitCode: 0,
            stdout,
            stderr: '',
            commandId,
            outputUri: `s3://ssm-output/${commandId}/${target}/stdout`,
          };
        }
        if (request.parameters.dryRun === '1') {
          this.dryRuns.push(request);
          return {
            target,
            status: 'Success',
            exitCode: 0,
            stdout: `dry run: would run: ${request.document} on ${target}`,
            stderr: '',
            commandId,
          };
        }
        const start = Date.now();
        await new Promise((r) => setTimeout(r, this.actionMs));
        this.actions.push({
          target,
          document: request.document,
          parameters: request.parameters,
          start,
          end: Date.now(),
        });
        if (host.fix === 'fails')
          return {
            target,
            status: 'Failed',
            exitCode: 1,
            stdout: '',
            stderr: 'systemctl: Job for docker.service failed',
            commandId,
          };
        if (host.fix !== 'no-effect') host.fault = null;
        return { target, status: 'Success', exitCode: 0, stdout: 'done', stderr: '', commandId };
      }),
    );
  }
}

/** Notifier that keeps messages in memory. */
export class RecordingNotifier implements Notifier {
  readonly messages: {
    subject: string;
    body: string;
    kind: 'approval' | 'escalation' | 'report';
  }[] = [];
  async notify(message: {
    subject: string;
    body: string;
    kind: 'approval' | 'escalation' | 'report';
  }): Promise<void> {
    this.messages.push(message);
  }
}

/** Local infrastructure shared by a test file. */
export interface LocalInfra {
  readonly ddb: DynamoDBDocumentClient;
  readonly raw: DynamoDBClient;
  readonly s3: S3ObjectClient;
  readonly bucket: string;
  readonly rulebook: CompiledRulebook;
  readonly asl: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Starts dynalite and s3rver on 127.0.0.1 (ephemeral ports) and loads the rulebook and the ASL. */
export async function startInfra(): Promise<LocalInfra> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ddbPort = (server.address() as { port: number }).port;
  const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${ddbPort}`,
    region: 'us-east-1',
    credentials,
  });
  const ddb = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-s3-'));
  const bucket = 'paramedic-evidence';
  const s3rver = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port: s3Port } = await s3rver.run();
  const s3 = new S3ObjectClient({
    endpoint: `http://127.0.0.1:${s3Port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    ddb,
    raw,
    s3,
    bucket,
    rulebook: loadRulebook(),
    asl: renderWorkflowAsl(),
    async stop() {
      raw.destroy();
      s3.destroy();
      await s3rver.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Local infrastructure for one test file: started before its tests, stopped after them.
 * @example const infra = sharedInfra(); … await scenario(infra(), …)
 */
export function sharedInfra(): () => LocalInfra {
  let infra: LocalInfra | undefined;
  beforeAll(async () => {
    infra = await startInfra();
  });
  afterAll(async () => {
    await infra?.stop();
  });
  return () => {
    if (!infra)
      throw new Error('sharedInfra: the infrastructure starts in beforeAll; read it inside a test');
    return infra;
  };
}

let tableSeq = 0;

/** Sees every Task's input and result (to measure the execution state at each transition). */
export type TaskObserver = (task: string, input: unknown, output: unknown) => void;

function observeTasks<T extends Record<string, (raw: unknown) => Promise<unknown>>>(
  tasks: T,
  onTask: TaskObserver | undefined,
): T {
  if (!onTask) return tasks;
  return Object.fromEntries(
    Object.entries(tasks).map(([name, run]) => [
      name,
      async (raw: unknown) => {
        const output = await run(raw);
        onTask(name, raw, output);
        return output;
      },
    ]),
  ) as T;
}

/** One scenario's world: fresh tables, a fleet, a notifier, the tasks. */
export interface Scenario {
  readonly fleet: SimulatedFleet;
  readonly notifier: RecordingNotifier;
  readonly audit: DynamoDbAuditStore;
  readonly locks: DynamoDbLockStore;
  readonly state: DynamoDbStateStore;
  readonly ports: WorkflowPorts;
  /** CloudWatch as Intake confirms alarm events against it: every alarm event executed is raised on it first, unless `forged`. */
  readonly cloudwatch: RaisedAlarms;
  /**
   * Runs one execution to its end; resolves with the output, or `{ error }` when it failed. `state`
   * is the final execution state either way: the output, or the input of the Fail state it ended in.
   * An alarm event is raised on `cloudwatch` first, as CloudWatch sends only what it raised;
   * `forged`: it is not (someone else wrote it).
   */
  execute(
    input: unknown,
    executionId?: string,
    options?: { readonly forged?: boolean },
  ): Promise<{ output?: any; error?: Error; state?: any; executionId: string }>;
  /**
   * StopExecution: the running execution ends ABORTED (its `execute` resolves with the error) and
   * runs no further state, while the Task it was in goes on, as a Lambda invocation does on AWS.
   */
  stop(executionId: string): void;
}

/** Builds a scenario on fresh tables. */
export async function scenario(
  infra: LocalInfra,
  options: {
    config?: Partial<WorkflowConfig>;
    approvals?: ApprovalGate;
    ports?: Partial<WorkflowPorts>;
    onTask?: TaskObserver;
    /** Task states run by these functions instead of their steps (a Lambda killed mid-way, say). */
    taskOverrides?: Readonly<Record<string, (raw: unknown) => Promise<unknown>>>;
    /** Retry back-off by state name, milliseconds (a state retried many times would otherwise wait for real). */
    retryIntervalOverrides?: Readonly<Record<string, number>>;
  } = {},
): Promise<Scenario> {
  const n = ++tableSeq;
  const auditTable = `audit-${n}`;
  const stateTable = `state-${n}`;
  await createAuditTable(infra.raw, auditTable);
  await createStateTable(infra.raw, stateTable);
  const clock = { now: () => new Date() };
  const fleet = new SimulatedFleet();
  const notifier = new RecordingNotifier();
  const audit = new DynamoDbAuditStore(infra.ddb, auditTable);
  const locks = new DynamoDbLockStore(infra.ddb, stateTable, clock);
  const state = new DynamoDbStateStore(infra.ddb, stateTable, clock);
  const cloudwatch = new RaisedAlarms(options.ports?.alarms);
  const ports: WorkflowPorts = {
    commands: fleet,
    evidence: new S3EvidenceStore(infra.s3, infra.bucket),
    stateDocuments: new S3StateDocuments(infra.s3, infra.bucket),
    audit,
    locks,
    state,
    notifier,
    rulebook: infra.rulebook,
    config: resolveWorkflowConfig({ lockMaxAttempts: 200, ...options.config }),
    errorWording: awsErrorWording,
    caller: startExecutionIdentity(),
    ...(options.approvals ? { approvals: options.approvals } : {}),
    // The simulated hosts are in no Auto Scaling or node group unless a test says so (group share preconditions pass).
    groups: { groupOf: async () => undefined },
    ...options.ports,
    alarms: cloudwatch,
  };
  const tasks = observeTasks(
    { ...bindWorkflowSteps(ports, clock), ...options.taskOverrides },
    options.onTask,
  );
  let executions = 0;
  const running = new Map<string, () => void>();
  return {
    fleet,
    notifier,
    audit,
    locks,
    state,
    ports,
    cloudwatch,
    async execute(
      input,
      executionId = `arn:aws:states:us-east-1:123456789012:execution:Paramedic:run-${n}-${++executions}`,
      { forged = false } = {},
    ) {
      if (isAlarmEvent(input) && !forged) cloudwatch.raise(input);
      const machine = new StateMachine(infra.asl as never);
      const run = machine.run(input as never, {
        overrides: {
          taskResourceLocalHandlers: tasks as never,
          waitTimeOverrides: { LockBusyWait: 15, VerifyWait: 0 },
          ...(options.retryIntervalOverrides
            ? { retryIntervalOverrides: options.retryIntervalOverrides }
            : {}),
        },
        context: {
          Execution: { Id: executionId },
          Task: { Token: `token-${executionId}` },
        } as never,
      });
      running.set(executionId, run.abort);
      // The input of a Fail state the run entered: what the Step Functions console shows of a failed or escalated run.
      let failState: any;
      const consume = (async () => {
        for await (const event of run.eventLogs)
          if (event.type === 'StateEntered' && (event as any).state?.type === 'Fail')
            failState = (event as any).state.input;
      })();
      try {
        const output = await run.result;
        await consume.catch(() => undefined);
        return { output, state: output, executionId };
      } catch (error) {
        await consume.catch(() => undefined);
        return { error: error as Error, ...(failState ? { state: failState } : {}), executionId };
      } finally {
        running.delete(executionId);
      }
    },
    stop(executionId) {
      const abort = running.get(executionId);
      if (!abort) throw new Error(`stop: ${executionId} is not running in this scenario`);
      abort();
    },
  };
}
