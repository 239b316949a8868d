/**
 * The three ways in, locally: an alarm event, a replayed evidence bundle, a manual run. Each builds
 * the workflow input, runs the workflow (the CDK definition with its real handlers when present,
 * else the local workflow) over the local ports, and returns what the report needs.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CompiledRulebook } from '../../core/classify/compile.js';
import { parseEvidenceDocument } from '../../core/evidence/bundle.js';
import type { AuditEntry } from '../../core/audit/audit-entry.js';
import type { CommandRunner } from '../../core/ports.js';
import { parseAlarmEvent } from './alarm-event.js';
import { createLocalPorts, type LocalPorts } from './local-ports.js';
import { createLocalWorkflowTasks, LOCAL_WORKFLOW_ASL, type ApprovalPolicy } from './local-workflow.js';
import { cdkWorkflowAvailable, ExecutionRecords, executeLocally, newExecutionId, type ExecutionRecord, type LocalWorkflow, type PathStep } from './local-pipeline.js';
import { ReplayCommandRunner } from './replay-command-runner.js';
import { localApprovalGate, LocalOnlyRunner, ThisMachineRunner } from './cdk-workflow-ports.js';
import type { EvidenceBundle } from '../../core/evidence/bundle.js';

/** Options shared by every local triage. */
export interface TriageOptions {
  readonly dataDir: string;
  readonly rulebook: CompiledRulebook;
  readonly approval?: ApprovalPolicy;
  /** `auto` (default): the CDK workflow when present, else the local one. */
  readonly workflow?: 'auto' | 'cdk' | 'local';
  readonly print?: (text: string) => void;
  readonly onState?: (step: PathStep) => void;
  /** Runner for collection and host actions; default the local command runner. */
  readonly runner?: CommandRunner;
  readonly executionId?: string;
}

/** What one local triage produced. */
export interface TriageResult {
  readonly executionId: string;
  readonly record: ExecutionRecord;
  readonly entries: readonly AuditEntry[];
  readonly output: any;
  readonly dataDir: string;
}

async function defaultRunner(): Promise<CommandRunner> {
  const mod = await import('./local-command-runner.js');
  return new mod.LocalCommandRunner();
}

/** What kind of run the CDK workflow's ports are built for. */
type RunKind = { kind: 'replay' | 'alarm' | 'manual'; mode: 'dry-run' | 'execute' };

/**
 * Picks the workflow to run. `cdk` renders the definition CDK deploys and wires its real handlers
 * (createWorkflowTasks) to the local ports; approval tasks are answered from the local approvals store.
 */
export async function loadWorkflow(which: 'auto' | 'cdk' | 'local', ports: LocalPorts, options: TriageOptions, run: RunKind): Promise<LocalWorkflow> {
  const approval = options.approval ?? { kind: 'none' };
  if (which === 'local' || (which === 'auto' && !cdkWorkflowAvailable())) {
    return { source: 'local', definition: LOCAL_WORKFLOW_ASL as unknown as Record<string, any>, tasks: createLocalWorkflowTasks(ports, { rulebook: options.rulebook, approval }) as LocalWorkflow['tasks'] };
  }
  const [{ renderWorkflowAsl }, { createWorkflowTasks }] = await Promise.all([
    import('../../../cdk/workflow/render-workflow-asl.js'), import('../../handlers/workflow-tasks.js'),
  ]);
  const commands = run.kind === 'manual' ? new LocalOnlyRunner(ports.runner) : run.kind === 'alarm' ? new ThisMachineRunner(ports.runner!) : ports.runner!;
  const tasks = createWorkflowTasks({
    commands, evidence: ports.evidence, audit: ports.audit, locks: ports.locks, state: ports.state, notifier: ports.notifier, clock: ports.clock,
    rulebook: options.rulebook, approvals: localApprovalGate(ports.approvals, approval),
    // Locally a busy target is retried a few times, quickly; a replay never changes anything.
    config: { dryRun: run.kind === 'replay' || (run.kind === 'alarm' && run.mode === 'dry-run'), lockMaxAttempts: 3, collectTimeoutSeconds: 120 },
  });
  return { source: 'cdk', definition: renderWorkflowAsl() as Record<string, any>, tasks: tasks as LocalWorkflow['tasks'], waitOverrides: { LockBusyWait: 200, VerifyWait: 0 } };
}

async function run(input: Record<string, unknown> & { executionId: string }, ports: LocalPorts, options: TriageOptions, kind: RunKind): Promise<TriageResult> {
  const workflow = await loadWorkflow(options.workflow ?? 'auto', ports, options, kind);
  const workflowInput = workflow.source === 'cdk' ? cdkInput(input, await ports.evidence.get(String((input.evidence as { uri?: string } | undefined)?.uri ?? '')).catch(() => undefined)) : input;
  const records = new ExecutionRecords(ports.dataDir);
  const { record, output } = await executeLocally(workflow, input.executionId, workflowInput, records, { onState: options.onState });
  return { executionId: input.executionId, record, output, entries: await ports.audit.execution(input.executionId), dataDir: ports.dataDir };
}

/**
 * The CDK workflow's input for a local run: the alarm event as EventBridge delivers it; for a
 * replay, an alarm event naming the recorded bundle's host (the replay runner then "collects" the
 * recorded bundle); for a manual run, `{ runbookId, target, mode, invokedBy }`.
 */
export function cdkInput(input: Record<string, unknown>, bundle?: EvidenceBundle): unknown {
  if (input.source === 'alarm') return input.alarm;
  if (input.source === 'manual') return { runbookId: input.runbookId, target: input.target, mode: input.mode, invokedBy: String(input.actor).replace(/^user:/, '') };
  const t = bundle?.target;
  const dimensions: Record<string, string> = t?.platform === 'eks' && t.cluster && t.node
    ? { ClusterName: t.cluster, NodeName: t.node, ...(t.instanceId && /^i-[0-9a-f]{8,17}$/.test(t.instanceId) ? { InstanceId: t.instanceId } : {}) }
    : { InstanceId: t?.instanceId && /^i-[0-9a-f]{8,17}$/.test(t.instanceId) ? t.instanceId : 'i-00000000000000000' };
  const name = `paramedic-replay-${String(input.file ?? 'bundle').split('/').pop()!.replace(/\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-${String(input.executionId).slice(-6)}`;
  const at = new Date().toISOString();
  return {
    version: '0', id: `replay-${input.executionId}`, 'detail-type': 'CloudWatch Alarm State Change', source: 'aws.cloudwatch', account: '000000000000', region: 'local',
    time: at, resources: [`arn:aws:cloudwatch:local:000000000000:alarm:${name}`],
    detail: {
      alarmName: name,
      state: { value: 'ALARM', reason: `replay of the recorded evidence ${String(input.file)}`, timestamp: at },
      previousState: { value: 'OK', reason: 'replay', timestamp: at },
      configuration: { description: 'Paramedic replay of recorded evidence', metrics: [{ id: 'm1', metricStat: { metric: { namespace: 'Paramedic/Replay', name: 'Replay', dimensions }, period: 60, stat: 'Maximum' }, returnData: true }] },
    },
  };
}

/** `triage --replay`: the full pipeline on a recorded bundle (dry run: nothing on this machine changes). */
export async function triageReplay(file: string, options: TriageOptions): Promise<TriageResult> {
  const text = await readFile(file, 'utf8');
  const { bundle } = parseEvidenceDocument(JSON.parse(text), file);
  const runner = new ReplayCommandRunner(bundle);
  const ports = createLocalPorts(options.dataDir, { runner, print: options.print });
  const executionId = options.executionId ?? newExecutionId();
  const evidence = await ports.evidence.put(`${executionId}/recorded`, bundle);
  return run({ source: 'replay', executionId, mode: 'dry-run', evidence, file: resolve(file) }, ports, options, { kind: 'replay', mode: 'dry-run' });
}

/** `triage --alarm`: collects from this machine through the local command runner. */
export async function triageAlarm(file: string, options: TriageOptions & { mode: 'dry-run' | 'execute' }): Promise<TriageResult> {
  const alarm = JSON.parse(await readFile(file, 'utf8'));
  parseAlarmEvent(alarm);
  const ports = createLocalPorts(options.dataDir, { runner: options.runner ?? (await defaultRunner()), print: options.print });
  return run({ source: 'alarm', executionId: options.executionId ?? newExecutionId(), mode: options.mode, alarm }, ports, options, { kind: 'alarm', mode: options.mode });
}

/** `run <runbookId> --target`: a manual run (dry run unless `execute`). */
export async function manualRun(runbookId: string, target: string, actor: string, options: TriageOptions & { mode: 'dry-run' | 'execute' }): Promise<TriageResult> {
  if (!options.rulebook.runbooks.some((r) => r.id === runbookId)) throw new Error(`unknown runbook ${runbookId}; list them with "npx paramedic runbooks list"`);
  const ports = createLocalPorts(options.dataDir, { runner: options.runner ?? (options.mode === 'execute' ? await defaultRunner() : undefined), print: options.print });
  return run({ source: 'manual', executionId: options.executionId ?? newExecutionId(), mode: options.mode, runbookId, target, actor }, ports, options, { kind: 'manual', mode: options.mode });
}
