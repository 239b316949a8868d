/**
 * The three ways in, on one machine: an alarm event, a replayed evidence bundle, a manual run.
 * Each builds the workflow's input, wires the local adapters to the core steps, and executes the
 * state machine CDK synthesizes (workflow.asl.json) with aws-local-stepfunctions.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuditEntry } from '../core/audit/audit-entry.js';
import type { CompiledRulebook } from '../core/classify/compile.js';
import {
  parseEvidenceDocument,
  type EvidenceBundle,
  type Platform,
} from '../core/evidence/bundle.js';
import { normalizeAlarmEvent } from '../core/workflow/alarm-event.js';
import type { CollectorLogPaths, WorkflowConfig } from '../core/workflow/config.js';
import { endedInRecordedFailState } from '../core/workflow/end-states.js';
import type { CommandRunner } from '../core/workflow/ports.js';
import { bindWorkflowSteps } from '../core/workflow/steps/index.js';
import {
  alarmEventTargets,
  formatTarget,
  parseTarget,
  TargetGrammarError,
  type TargetSpec,
} from '../core/workflow/targets.js';
import type { ApprovalPolicy } from '../adapters/local/local-approval-gate.js';
import { LocalOnlyRunner, ThisMachineRunner } from '../adapters/local/this-machine-runners.js';
import {
  ExecutionRecords,
  executeLocally,
  newExecutionId,
  type ExecutionRecord,
  type PathStep,
} from './execute-workflow.js';
import { localClusterPorts, type LocalKubeconfig } from './local-cluster.js';
import { closeInterruptedRuns } from './interrupted-runs.js';
import { createLocalAdapters, localWorkflowPorts, type LocalAdapters } from './local-ports.js';
import { loadWorkflowDefinition } from './workflow-definition.js';

/** Options shared by every local run. */
export interface TriageOptions {
  readonly dataDir: string;
  readonly rulebook: CompiledRulebook;
  readonly approval?: ApprovalPolicy;
  readonly print?: (text: string) => void;
  readonly onState?: (step: PathStep) => void;
  /** Runner for collection and host actions; default the local command runner. */
  readonly runner?: CommandRunner;
  readonly executionId?: string;
  /** Read and act on a cluster through this kubeconfig (EKS targets); without it their records say the cluster was not read. */
  readonly kubeconfig?: LocalKubeconfig;
  /** Log files the collector reads on this machine, as a deployment's `collectorLogs` (`--daemon-log` …). */
  readonly collectorLogs?: CollectorLogPaths;
  /** The alarm name prefixes `triage --alarm` admits, as a deployment's `alarmNamePrefixes`. @default ['paramedic-'] */
  readonly alarmNamePrefixes?: readonly string[];
}

/** What one local run produced. */
export interface TriageResult {
  readonly executionId: string;
  readonly record: ExecutionRecord;
  readonly entries: readonly AuditEntry[];
  readonly output: any;
  readonly dataDir: string;
}

async function defaultRunner(): Promise<CommandRunner> {
  const mod = await import('../adapters/local/local-command-runner.js');
  return new mod.LocalCommandRunner();
}

/** Executes the synthesized state machine on `input` over the local adapters. */
async function execute(
  input: unknown,
  executionId: string,
  adapters: LocalAdapters,
  options: TriageOptions,
  commands: CommandRunner,
  config: Partial<WorkflowConfig>,
): Promise<TriageResult> {
  // Runs killed earlier (kill -9, a closed terminal) are closed before this one starts.
  await closeInterruptedRuns(adapters.dataDir, adapters.audit, adapters.clock);
  // Locally a busy target is retried a few times, quickly.
  const cluster = localClusterPorts(options.kubeconfig, adapters.clock, config.dryRun ?? false);
  const ports = localWorkflowPorts(adapters, {
    commands,
    rulebook: options.rulebook,
    approval: options.approval ?? { kind: 'none' },
    config: {
      lockMaxAttempts: 3,
      collectTimeoutSeconds: 120,
      ...(options.collectorLogs ? { collectorLogs: options.collectorLogs } : {}),
      ...(options.alarmNamePrefixes ? { alarmNamePrefixes: options.alarmNamePrefixes } : {}),
      ...config,
    },
    ...cluster,
  });
  const workflow = {
    definition: loadWorkflowDefinition(),
    tasks: bindWorkflowSteps(ports, adapters.clock),
    waitOverrides: { LockBusyWait: 200, VerifyWait: 0 },
  };
  const records = new ExecutionRecords(adapters.dataDir);
  try {
    const { record, output } = await executeLocally(workflow, executionId, input, records, {
      onState: options.onState,
    });
    return {
      executionId,
      record,
      output,
      entries: await adapters.audit.execution(executionId),
      dataDir: adapters.dataDir,
    };
  } catch (error) {
    // `Failed` and `Escalated` come after Complete: the run is recorded (status FAILED), so it is reported, not thrown.
    const record = endedInRecordedFailState(error) ? await records.get(executionId) : undefined;
    if (!record) throw error;
    return {
      executionId,
      record,
      output: undefined,
      entries: await adapters.audit.execution(executionId),
      dataDir: adapters.dataDir,
    };
  }
}

/** The target string a recorded bundle names (its EKS node or instance), else `local`. */
export function replayTargetOf(bundle: EvidenceBundle): string {
  const t = bundle.target;
  const candidates = [
    t.platform === 'eks' && t.cluster && t.node ? `eks:${t.cluster}/${t.node}` : undefined,
    t.instanceId,
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return formatTarget(parseTarget(c));
    } catch (error) {
      if (!(error instanceof TargetGrammarError)) throw error;
    }
  }
  return 'local';
}

/** `triage --replay`: the workflow on a recorded bundle, read and stored once (always a dry run: nothing changes). */
export async function triageReplay(
  file: string,
  options: TriageOptions & { invokedBy?: string },
): Promise<TriageResult> {
  const { bundle } = parseEvidenceDocument(JSON.parse(await readFile(file, 'utf8')), file);
  const adapters = createLocalAdapters(options.dataDir, { print: options.print });
  const executionId = options.executionId ?? newExecutionId();
  const evidence = await adapters.evidence.put(`${executionId}/recorded`, bundle);
  const input = {
    target: replayTargetOf(bundle),
    mode: 'dry-run',
    platform: bundle.target.platform,
    invokedBy: options.invokedBy ?? 'cli',
    replay: { evidence, origin: basename(file) },
  };
  // No command runs on a replay: Collect records the stored bundle and the plan is a dry run.
  return execute(input, executionId, adapters, options, new LocalOnlyRunner(undefined), {
    dryRun: true,
  });
}

/**
 * The EKS clusters an alarm event names: the ClusterName values of the dimension sets it names
 * targets by. Another service's cluster (AWS/ECS, ECS/ContainerInsights name an ECS cluster by
 * ClusterName alone too) is not among them (metric-namespace.ts), so with one kubeconfig it is not
 * read as the kubeconfig's cluster; a Metrics Insights query's is, as Intake and coverage read it.
 */
function eksClusterNamesOf(alarm: unknown): string[] {
  const names = normalizeAlarmEvent(alarm).dimensions.map((d) => d.ClusterName);
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * `triage --alarm`: collects from this machine (every target the alarm names is this machine here).
 * Intake refuses the event as it would on AWS when it is not a change to ALARM or its alarm has none
 * of the prefixes; there is no CloudWatch to confirm it with, so the trail records it as the
 * operator's own, unconfirmed input (core/workflow/alarm-confirmation.ts).
 */
export async function triageAlarm(
  file: string,
  options: TriageOptions & { mode: 'dry-run' | 'execute' },
): Promise<TriageResult> {
  const alarm = JSON.parse(await readFile(file, 'utf8')) as unknown;
  // A broken event fails here, before anything is recorded.
  const targets = alarmEventTargets(alarm, options.kubeconfig ? eksClusterNamesOf(alarm) : []);
  assertCollectorLogsRead(options.collectorLogs, targets.map(platformOfSpec));
  const adapters = createLocalAdapters(options.dataDir, { print: options.print });
  const runner = new ThisMachineRunner(options.runner ?? (await defaultRunner()));
  return execute(alarm, options.executionId ?? newExecutionId(), adapters, options, runner, {
    dryRun: options.mode === 'dry-run',
    // One kubeconfig, one cluster (local-cluster.ts): the clusters the alarm names are the kubeconfig's,
    // as a deployment's config eksClusters says, so a cluster-level alarm reaches its failing nodes.
    ...(options.kubeconfig ? { eksClusters: eksClusterNamesOf(alarm) } : {}),
  });
}

/** Log files given (`--kubelet-log` …) that no collector of the run reads: its targets are on another platform. */
export class CollectorLogsNotReadError extends Error {
  constructor(
    /** The collector parameters given and never read (`kubeletLog` …). */
    readonly names: readonly string[],
    /** The platforms of the run's targets. */
    readonly platforms: readonly Platform[],
  ) {
    super(
      `${names.join(', ')}: no collector of this run reads it (the targets are ${platforms.join(', ')})`,
    );
    this.name = 'CollectorLogsNotReadError';
  }
}

/** The platform whose collector a target's evidence comes from. */
function platformOfSpec(spec: TargetSpec): Platform {
  return spec.kind === 'eks-node' ? 'eks' : spec.platform;
}

/**
 * Refuses log files for a platform none of the run's targets is on, before anything runs: a
 * `--kubelet-log` beside a Docker host's alarm would otherwise be dropped without a word, and the
 * operator would read "no kubelet log found" as the node's state.
 * @throws CollectorLogsNotReadError naming the unread parameters.
 */
function assertCollectorLogsRead(
  logs: CollectorLogPaths | undefined,
  platforms: readonly Platform[],
): void {
  // No target at all is the workflow's to report (it escalates), not a flag's fault.
  if (!logs || platforms.length === 0) return;
  const read = new Set(platforms.flatMap((p) => Object.keys(logs[p] ?? {})));
  const given = new Set(Object.values(logs).flatMap((paths) => Object.keys(paths ?? {})));
  const unread = [...given].filter((name) => !read.has(name));
  if (unread.length) throw new CollectorLogsNotReadError(unread, [...new Set(platforms)]);
}

/** `run <runbookId> --target`: a manual run (dry run unless `execute`); only `local` is in reach here. */
export async function manualRun(
  runbookId: string,
  target: string,
  actor: string,
  options: TriageOptions & { mode: 'dry-run' | 'execute' },
): Promise<TriageResult> {
  if (!options.rulebook.runbooks.some((r) => r.id === runbookId))
    throw new Error(`unknown runbook ${runbookId}; list them with "npx paramedic runbooks list"`);
  assertCollectorLogsRead(options.collectorLogs, [platformOfSpec(parseTarget(target))]);
  const adapters = createLocalAdapters(options.dataDir, { print: options.print });
  const runner = new LocalOnlyRunner(
    options.runner ?? (options.mode === 'execute' ? await defaultRunner() : undefined),
  );
  const input = { runbookId, target, mode: options.mode, invokedBy: actor.replace(/^user:/, '') };
  return execute(input, options.executionId ?? newExecutionId(), adapters, options, runner, {});
}
