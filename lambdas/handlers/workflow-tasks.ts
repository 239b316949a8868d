/**
 * The remediation workflow's steps as plain async functions, keyed by the name of the Task state
 * that runs them. This is the contract between the state machine and whoever executes it:
 *
 * - On AWS, each Lambda (`lambdas/handlers/<step>.ts`) builds {@link WorkflowPorts} from the AWS
 *   adapters (S3, DynamoDB, SSM, SNS, CloudWatch, Auto Scaling) once per cold start and calls
 *   `createWorkflowTasks(ports)[<TaskName>](event)`.
 * - Locally, the pipeline renders the very same ASL with `renderWorkflowAsl()`
 *   (`cdk/workflow/render-workflow-asl.ts`) and runs it with aws-local-stepfunctions, passing
 *   `createWorkflowTasks(localPorts)` as `overrides.taskResourceLocalHandlers`.
 *
 * Contract (stable names; see {@link WORKFLOW_TASK_NAMES}):
 * - Every Task receives `{ executionId, state, taskToken? }` ({@link TaskInput}) (RequestApproval's
 *   local override gets it wrapped as `{ FunctionName, Payload }`; the functions unwrap it): `state` is the whole
 *   execution state (`$`), `executionId` is `$$.Execution.Id`, `taskToken` (RequestApproval only) is
 *   `$$.Task.Token`. Locally, pass `context: { Execution: { Id }, Task: { Token } }` to `run()`:
 *   aws-local-stepfunctions does not invent them.
 * - Every function returns plain JSON that the state machine stores at `$.<key>` (ResultPath), see
 *   {@link WorkflowState}. Task functions never throw for a target's failure (that is a status); they
 *   throw for a broken input (`ManualInputError`) or infrastructure errors (caught by the workflow,
 *   which then releases the locks and records the failure).
 * - `RequestApproval`: on AWS the Lambda only notifies (the state waits for `SendTaskSuccess` with an
 *   {@link ApprovalDecision} as output). Locally, `ports.approvals.waitForDecision()` is awaited and
 *   its decision returned; to time out, reject with an error whose `name` is `States.Timeout`
 *   (the workflow catches it exactly like the AWS timeout).
 * - Wait states to override locally (ms): `LockBusyWait`, `VerifyWait`.
 */
import type { CompiledRulebook } from '../core/classify/compile.js';
import { classifyEvidence, evaluateVerifyChecks, type ClassificationResult, type VerifyCheckOutcome } from '../core/classify/engine.js';
import { collectorDocumentFor, DOCUMENT_PREFIX, findCommandDocument, resolveDocumentParameters } from '../core/collection/collector-documents.js';
import { canonicalJson, type AuditEntryInput, type AuditEventType } from '../core/audit/audit-entry.js';
import { parseEvidenceDocument, type EvidenceBundle, type Platform } from '../core/evidence/bundle.js';
import type { AuditStore, Clock, CommandResult, CommandRunner, EvidenceStore, LockStore, Notifier, StateStore } from '../core/ports.js';
import type { ActionTarget } from '../core/remediation/catalog.js';
import { recentFailures, type TargetHistory } from '../core/remediation/guards.js';
import type { Runbook } from '../core/runbook/model.js';
import { isAlarmEvent, normalizeAlarmEvent, resolveAlarmTargets, type TargetSpec } from '../core/workflow/alarm-event.js';
import { alarmDedupeKey, cooldownKey, failuresKey, lockKey, manualDedupeKey } from '../core/workflow/dedupe.js';
import { parseManualInput, parseTargetString } from '../core/workflow/manual-input.js';
import type {
  ApprovalDecision, ClassificationSummary, CollectedEvidence, CollectionResult, CompletionSummary, IntakeResult, LockResult, Plan,
  PlannedStep, RemediationProgress, StepOutcome, Target, TargetClassification, VerificationResult, WorkflowState,
} from '../core/workflow/model.js';
import { decideOutcome } from '../core/workflow/outcome.js';
import { buildPlan } from '../core/workflow/plan.js';
import { decideVerification, dominantRunbook } from '../core/workflow/verification.js';

/** Names of the Task states, which are also the keys of {@link createWorkflowTasks}' result. */
export const WORKFLOW_TASK_NAMES = [
  'Intake', 'AcquireLock', 'Collect', 'Classify', 'Plan', 'RequestApproval', 'RecordApproval',
  'RemediateStep', 'Verify', 'Escalate', 'ReleaseLock', 'Complete',
] as const;
/** One of {@link WORKFLOW_TASK_NAMES}. */
export type WorkflowTaskName = (typeof WORKFLOW_TASK_NAMES)[number];

/** Wait states a local run overrides (milliseconds) so it does not sleep. */
export const WORKFLOW_WAIT_STATES = ['LockBusyWait', 'VerifyWait'] as const;

/** What every Task receives (the state machine's Parameters). */
export interface TaskInput {
  readonly executionId: string;
  readonly state: WorkflowState;
  readonly taskToken?: string;
}

/** Settings of a deployment (CDK config) or of a local run. */
export interface WorkflowConfig {
  /** Never change anything; plans are recorded as dry runs. @default false */
  readonly dryRun: boolean;
  /** When false, even automatic runbooks wait for an approval on alarm runs. @default true */
  readonly automaticRemediation: boolean;
  /** Clusters whose nodes are EKS targets (an InstanceId with one of these ClusterName is an EKS node). */
  readonly eksClusters: readonly string[];
  /** Prefix of the project's SSM documents. @default 'Paramedic-' */
  readonly documentPrefix: string;
  /** Budget of one collection run, seconds. @default 120 */
  readonly collectTimeoutSeconds: number;
  /** Lock expiry, so a crashed execution cannot hold a host forever. @default 3600 */
  readonly lockTtlSeconds: number;
  /** Attempts (one per LockBusyWait) before giving up on a busy target. @default 10 */
  readonly lockMaxAttempts: number;
  /** How long an alarm stays claimed after its first delivery (redeliveries, flapping). @default 900 */
  readonly dedupeWindowSeconds: number;
  /** How long an approval request waits before the workflow times it out. @default 3600 */
  readonly approvalTimeoutSeconds: number;
  /** Most targets an alarm may expand to (an Auto Scaling group). @default 1000 */
  readonly maxTargetsPerExecution: number;
}

/** The defaults of {@link WorkflowConfig}. */
export const DEFAULT_WORKFLOW_CONFIG: WorkflowConfig = {
  dryRun: false,
  automaticRemediation: true,
  eksClusters: [],
  documentPrefix: DOCUMENT_PREFIX,
  collectTimeoutSeconds: 120,
  lockTtlSeconds: 3600,
  lockMaxAttempts: 10,
  dedupeWindowSeconds: 900,
  approvalTimeoutSeconds: 3600,
  maxTargetsPerExecution: 1000,
};

/** Runs one planned step on its targets; one executor per kind of action target. */
export interface ActionExecutor {
  execute(step: PlannedStep, targets: readonly Target[], context: { readonly executionId: string }): Promise<readonly StepOutcome[]>;
}

/** Expands Auto Scaling groups into instances and EKS node names into instances. */
export interface TargetDirectory {
  instancesOfGroup(name: string): Promise<readonly string[]>;
  /** The EC2 instance behind a node, or undefined when unknown. */
  instanceOfNode(cluster: string, node: string): Promise<string | undefined>;
}

/** Reads an alarm's current state (verification: did it leave ALARM?). */
export interface AlarmStateReader {
  stateOf(alarmName: string): Promise<string | undefined>;
}

/** An approval request, as notified and (locally) awaited. */
export interface ApprovalRequest {
  readonly executionId: string;
  readonly taskToken?: string;
  readonly plan: Plan;
  readonly classification?: ClassificationSummary;
  readonly evidence: readonly CollectedEvidence[];
  readonly timeoutSeconds: number;
  readonly summary: string;
}

/** Local stand-in for waitForTaskToken: resolves with the decision, rejects with name `States.Timeout`. */
export interface ApprovalGate {
  waitForDecision(request: ApprovalRequest): Promise<ApprovalDecision>;
}

/** Every port and setting the workflow's steps need. */
export interface WorkflowPorts {
  readonly commands: CommandRunner;
  readonly evidence: EvidenceStore;
  readonly audit: AuditStore;
  readonly locks: LockStore;
  readonly state: StateStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly rulebook: CompiledRulebook;
  readonly config?: Partial<WorkflowConfig>;
  /** Executors by action target; docker-host / eks-node default to the SSM documents through `commands`, `none` to the notifier. */
  readonly executors?: Partial<Record<ActionTarget, ActionExecutor>>;
  readonly targets?: TargetDirectory;
  readonly alarms?: AlarmStateReader;
  /** Local runs only (see the module comment). */
  readonly approvals?: ApprovalGate;
}

/** The input of a Task was not what the state machine sends. */
export class TaskInputError extends Error {
  constructor(task: string, message: string) {
    super(`${task}: ${message}`);
    this.name = 'TaskInputError';
  }
}

/** Executes host actions as the project's SSM documents through a CommandRunner. */
export function documentExecutor(commands: CommandRunner, timeoutSeconds = 600): ActionExecutor {
  return {
    async execute(step, targets) {
      if (!step.document) return targets.map((t) => ({ step: step.index, action: step.action, target: t.id, status: 'failed' as const, detail: `action ${step.action} has no document` }));
      const doc = findCommandDocument(step.document);
      const groups = new Map<string, { parameters: Record<string, string>; targets: string[] }>();
      for (const inv of step.invocations) {
        const parameters = doc ? resolveDocumentParameters(doc, inv.parameters) : { ...inv.parameters };
        const key = canonicalJson(parameters);
        const g = groups.get(key) ?? { parameters, targets: [] };
        g.targets.push(inv.target);
        groups.set(key, g);
      }
      const outcomes: StepOutcome[] = [];
      for (const g of groups.values()) {
        const started = Date.now();
        const results = await commands.run({ document: step.document, parameters: g.parameters, targets: g.targets, timeoutSeconds: doc?.timeoutSeconds ?? timeoutSeconds });
        for (const r of results) {
          outcomes.push({
            step: step.index, action: step.action, target: r.target, status: r.status === 'Success' ? 'succeeded' : 'failed',
            ...(r.commandId ? { commandId: r.commandId } : {}), ...(r.outputUri ? { outputUri: r.outputUri } : {}),
            detail: r.status === 'Success' ? tail(r.stdout, 500) : `${r.status} (exit ${r.exitCode ?? '-'}): ${tail(r.stderr || r.stdout, 500)}`,
            durationMs: r.durationMs ?? Date.now() - started,
          });
        }
      }
      return outcomes;
    },
  };
}

/** The `report` action: tells people, changes nothing. */
export function reportExecutor(notifier: Notifier): ActionExecutor {
  return {
    async execute(step, targets, context) {
      await notifier.notify({ kind: 'report', subject: `[paramedic] report: ${step.title}`, body: JSON.stringify({ executionId: context.executionId, step: step.action, targets: targets.map((t) => t.id) }) });
      return targets.map((t) => ({ step: step.index, action: step.action, target: t.id, status: 'succeeded' as const, detail: 'reported' }));
    },
  };
}

function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** `arn:aws:states:…:execution:Machine:name` -> `name`; safe as an S3 key segment. */
export function executionName(executionId: string): string {
  const name = executionId.split(':').pop() ?? executionId;
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128) || 'execution';
}

function parseTaskInput(task: string, raw: unknown): TaskInput {
  // RequestApproval is a `lambda:invoke.waitForTaskToken` Task: locally its override receives
  // `{ FunctionName, Payload }`, the Lambda receives only the Payload. Accept both.
  const input = typeof raw === 'object' && raw !== null && 'Payload' in raw && 'FunctionName' in raw ? (raw as { Payload: unknown }).Payload : raw;
  if (typeof input !== 'object' || input === null) throw new TaskInputError(task, 'expected {"executionId","state"} from the state machine');
  const o = input as Record<string, unknown>;
  if (typeof o.executionId !== 'string' || o.executionId.length === 0) throw new TaskInputError(task, 'missing executionId ($$.Execution.Id); locally pass context.Execution.Id to run()');
  if (typeof o.state !== 'object' || o.state === null) throw new TaskInputError(task, 'missing state ($)');
  return { executionId: o.executionId, state: o.state as WorkflowState, ...(typeof o.taskToken === 'string' ? { taskToken: o.taskToken } : {}) };
}

function need<T>(task: string, value: T | undefined, what: string): T {
  if (value === undefined) throw new TaskInputError(task, `state has no ${what}: the state machine definition and the handlers disagree`);
  return value;
}

function summarizeMatches(result: ClassificationResult, target: string): TargetClassification {
  const [top, second] = result.matches;
  return {
    target,
    runbookId: top?.runbookId ?? null,
    confidence: top?.confidence ?? 0,
    evidence: (top?.evidence ?? []).slice(0, 5),
    ...(second ? { runnerUp: { runbookId: second.runbookId, confidence: second.confidence } } : {}),
  };
}

/**
 * Builds the workflow's Task functions over the given ports.
 * @example const tasks = createWorkflowTasks(ports); await tasks.Intake({ executionId, state: alarmEvent })
 */
export function createWorkflowTasks(ports: WorkflowPorts): Record<WorkflowTaskName, (input: unknown) => Promise<unknown>> {
  const config: WorkflowConfig = { ...DEFAULT_WORKFLOW_CONFIG, ...ports.config };
  const now = (): Date => ports.clock.now();
  const runbookById = new Map(ports.rulebook.runbooks.map((r) => [r.id, r]));
  const executors: Partial<Record<ActionTarget, ActionExecutor>> = {
    'docker-host': documentExecutor(ports.commands),
    'eks-node': documentExecutor(ports.commands),
    none: reportExecutor(ports.notifier),
    ...ports.executors,
  };

  const audit = (executionId: string, intake: IntakeResult | undefined, type: AuditEventType, data: Record<string, unknown>, extra: Partial<AuditEntryInput> = {}) =>
    ports.audit.append({
      executionId, type, at: now().toISOString(), actor: extra.actor ?? intake?.trigger.actor ?? 'system',
      ...(intake?.targets.length ? { target: intake.targets[0]!.id } : {}),
      ...(intake?.runbookId ? { runbookId: intake.runbookId } : {}),
      ...extra, data,
    });

  async function expand(spec: TargetSpec | { kind: 'local'; platform: Platform }): Promise<Target[]> {
    switch (spec.kind) {
      case 'local': return [{ id: 'local', platform: spec.platform }];
      case 'instance': return [{ id: spec.instanceId, platform: spec.platform, instanceId: spec.instanceId }];
      case 'auto-scaling-group': {
        if (!ports.targets) return [];
        const ids = await ports.targets.instancesOfGroup(spec.name);
        return ids.map((id) => ({ id, platform: spec.platform, instanceId: id }));
      }
      case 'eks-node': {
        const instanceId = spec.instanceId ?? (await ports.targets?.instanceOfNode(spec.cluster, spec.node));
        return [{ id: instanceId ?? spec.node, platform: 'eks', cluster: spec.cluster, node: spec.node, ...(instanceId ? { instanceId } : {}) }];
      }
    }
  }

  async function expandAll(specs: readonly (TargetSpec | { kind: 'local'; platform: Platform })[]): Promise<Target[]> {
    const out = new Map<string, Target>();
    for (const spec of specs) for (const t of await expand(spec)) if (!out.has(t.id)) out.set(t.id, t);
    return [...out.values()].slice(0, config.maxTargetsPerExecution);
  }

  async function collect(executionId: string, phase: string, targets: readonly Target[]): Promise<CollectionResult> {
    const evidence: CollectedEvidence[] = [];
    for (const platform of ['docker', 'eks'] as const) {
      const group = targets.filter((t) => t.platform === platform);
      if (group.length === 0) continue;
      const doc = collectorDocumentFor(platform);
      const results: readonly CommandResult[] = await ports.commands.run({
        document: doc.documentName, parameters: resolveDocumentParameters(doc, {}), targets: group.map((t) => t.id), timeoutSeconds: config.collectTimeoutSeconds,
      });
      for (const r of results) {
        const base = { target: r.target, status: r.status, ...(r.commandId ? { commandId: r.commandId } : {}) };
        if (r.status !== 'Success' && !r.stdout.trimStart().startsWith('{')) {
          evidence.push({ ...base, error: tail(r.stderr || r.stdout || r.status, 400) });
          continue;
        }
        let bundle: EvidenceBundle;
        try {
          bundle = parseEvidenceDocument(JSON.parse(r.stdout), r.target).bundle;
        } catch (error) {
          evidence.push({ ...base, error: `collector output is not an evidence bundle: ${(error as Error).message.slice(0, 300)}` });
          continue;
        }
        // Outside the try: a storage outage is an infrastructure failure (retried by the state machine), not the collector's fault.
        const ref = await ports.evidence.put(`executions/${executionName(executionId)}/${phase}/${r.target}.json`, bundle);
        evidence.push({ ...base, ref });
      }
    }
    return { evidence, collected: evidence.filter((e) => e.ref).length, failed: evidence.filter((e) => !e.ref).length };
  }

  async function classifyAll(evidence: readonly CollectedEvidence[], verifying?: Runbook): Promise<{ target: string; result: ClassificationResult; checks: VerifyCheckOutcome[] }[]> {
    const out: { target: string; result: ClassificationResult; checks: VerifyCheckOutcome[] }[] = [];
    for (const e of evidence) {
      if (!e.ref) continue;
      const bundle = await ports.evidence.get(e.ref);
      out.push({ target: e.target, result: classifyEvidence(ports.rulebook, bundle), checks: verifying ? evaluateVerifyChecks(ports.rulebook, bundle, verifying) : [] });
    }
    return out;
  }

  async function historyOf(runbookId: string, targets: readonly string[]): Promise<TargetHistory[]> {
    return Promise.all(targets.map(async (target) => {
      const cooldown = await ports.state.get(cooldownKey(runbookId, target));
      const failures = await ports.state.get(failuresKey(target));
      return {
        target,
        ...(typeof cooldown?.at === 'string' ? { lastRemediatedAt: cooldown.at } : {}),
        failures: Array.isArray(failures?.times) ? (failures.times as string[]) : [],
      };
    }));
  }

  async function recordFailure(target: string): Promise<void> {
    const key = failuresKey(target);
    const current = await ports.state.get(key);
    const times = recentFailures(Array.isArray(current?.times) ? (current.times as string[]) : [], now());
    await ports.state.put(key, { times: [...times, now().toISOString()] }, 24 * 3600);
  }

  const tasks: Record<WorkflowTaskName, (input: TaskInput) => Promise<unknown>> = {
    async Intake({ executionId, state }): Promise<IntakeResult> {
      const startedAt = now().toISOString();
      // An EventBridge envelope that is not a usable alarm is a broken alarm, not a manual run:
      // normalizeAlarmEvent names what is missing instead of parseManualInput rejecting "version".
      if (isAlarmEvent(state) || (typeof state === 'object' && state !== null && 'detail-type' in state)) {
        const alarm = normalizeAlarmEvent(state);
        const targets = await expandAll(resolveAlarmTargets(alarm.dimensions, config.eksClusters));
        const dedupeKey = alarmDedupeKey(alarm);
        let duplicate = !(await ports.state.putIfAbsent(dedupeKey, { executionId, eventId: alarm.eventId, at: startedAt }, config.dedupeWindowSeconds));
        // A retried Intake finds its own claim: that is not a duplicate.
        if (duplicate && (await ports.state.get(dedupeKey))?.executionId === executionId) duplicate = false;
        const result: IntakeResult = {
          executionId, mode: 'alarm', targets, duplicate, dedupeKey, startedAt,
          trigger: { kind: 'alarm', actor: `alarm:${alarm.alarmName}`, alarmName: alarm.alarmName, alarmReason: alarm.reason.slice(0, 1000), at: alarm.time || startedAt },
        };
        await audit(executionId, result, duplicate ? 'deduplicated' : 'triggered', {
          trigger: result.trigger, eventId: alarm.eventId, state: alarm.state, previousState: alarm.previousState ?? null,
          dimensions: alarm.dimensions, targets, mode: result.mode,
        }, duplicate ? { outcome: 'skipped' } : {});
        return result;
      }
      const manual = parseManualInput(state, [...runbookById.keys()]);
      const runbook = runbookById.get(manual.runbookId);
      const platform: Platform = manual.platform ?? (runbook?.platform === 'eks' ? 'eks' : 'docker');
      const targets = await expandAll([parseTargetString(manual.target, platform)]);
      const result: IntakeResult = {
        executionId, mode: manual.mode, targets, duplicate: false, dedupeKey: manualDedupeKey(executionId), startedAt, runbookId: manual.runbookId,
        trigger: { kind: 'manual', actor: `user:${manual.invokedBy}`, at: startedAt },
      };
      await audit(executionId, result, 'triggered', { trigger: result.trigger, targets, mode: manual.mode, requested: manual });
      return result;
    },

    async AcquireLock({ executionId, state }): Promise<LockResult> {
      const intake = need('AcquireLock', state.intake, 'intake');
      const attempts = (state.lock?.attempts ?? 0) + 1;
      const ids = intake.targets.map((t) => t.id).sort(); // one global order: no deadlock between executions
      const held: string[] = [];
      for (const id of ids) {
        if (await ports.locks.acquire(lockKey(id), executionId, config.lockTtlSeconds)) { held.push(id); continue; }
        for (const h of held) await ports.locks.release(lockKey(h), executionId);
        const gaveUp = attempts >= config.lockMaxAttempts;
        if (gaveUp) await audit(executionId, intake, 'locked', { acquired: false, busy: id, attempts });
        return { acquired: false, attempts, gaveUp, owner: executionId };
      }
      await audit(executionId, intake, 'locked', { acquired: true, targets: ids, attempts, ttlSeconds: config.lockTtlSeconds });
      return { acquired: true, attempts, gaveUp: false, owner: executionId };
    },

    async Collect({ executionId, state }): Promise<CollectionResult> {
      const intake = need('Collect', state.intake, 'intake');
      const result = await collect(executionId, 'triage', intake.targets);
      await audit(executionId, intake, 'collected', { phase: 'triage', evidence: result.evidence });
      return result;
    },

    async Classify({ executionId, state }): Promise<ClassificationSummary> {
      const intake = need('Classify', state.intake, 'intake');
      const collection = need('Classify', state.collection, 'collection');
      const results = await classifyAll(collection.evidence);
      const targets = results.map((r) => summarizeMatches(r.result, r.target));
      const runbookId = intake.runbookId ?? dominantRunbook(targets);
      const summary: ClassificationSummary = { runbookId, targets };
      await audit(executionId, intake, 'classified', {
        runbookId,
        targets: results.map((r) => ({ target: r.target, matches: r.result.matches, ref: collection.evidence.find((e) => e.target === r.target)?.ref })),
      }, runbookId ? { runbookId } : {});
      return summary;
    },

    async Plan({ executionId, state }): Promise<Plan> {
      const intake = need('Plan', state.intake, 'intake');
      const classification = need('Plan', state.classification, 'classification');
      const runbook: Runbook | undefined = classification.runbookId ? runbookById.get(classification.runbookId) : undefined;
      // An alarm run acts only on the targets whose evidence shows the failure; a manual run on what was asked.
      const matched = new Set(classification.targets.filter((t) => t.runbookId === classification.runbookId).map((t) => t.target));
      const targets = intake.mode === 'alarm' ? intake.targets.filter((t) => matched.has(t.id)) : intake.targets;
      const history = runbook ? await historyOf(runbook.id, targets.map((t) => t.id)) : [];
      const plan = buildPlan({ runbook, mode: intake.mode, targets, history, switches: { dryRun: config.dryRun, automaticRemediation: config.automaticRemediation, documentPrefix: config.documentPrefix }, now: now() });
      await audit(executionId, intake, 'planned', { plan }, plan.runbookId ? { runbookId: plan.runbookId } : {});
      return plan;
    },

    async RequestApproval({ executionId, state, taskToken }): Promise<unknown> {
      const intake = need('RequestApproval', state.intake, 'intake');
      const plan = need('RequestApproval', state.plan, 'plan');
      const evidence = state.collection?.evidence ?? [];
      const request: ApprovalRequest = {
        executionId, plan, evidence, timeoutSeconds: config.approvalTimeoutSeconds,
        summary: `${plan.runbookId}: ${plan.summary} on ${plan.targets.join(', ')}`,
        ...(taskToken ? { taskToken } : {}),
        ...(state.classification ? { classification: state.classification } : {}),
      };
      await ports.state.put(`approval#${executionName(executionId)}`, { executionId, taskToken: taskToken ?? null, plan, requestedAt: now().toISOString(), status: 'pending' }, config.approvalTimeoutSeconds + 3600);
      await ports.notifier.notify({ kind: 'approval', subject: `[paramedic] approval needed: ${plan.runbookId} on ${plan.targets.slice(0, 5).join(', ')}`, body: JSON.stringify(request).slice(0, 200_000) });
      await audit(executionId, intake, 'approval-requested', { plan: { decision: plan.decision, reason: plan.reason, steps: plan.steps.map((s) => s.action) }, timeoutSeconds: config.approvalTimeoutSeconds }, plan.runbookId ? { runbookId: plan.runbookId } : {});
      if (ports.approvals) return ports.approvals.waitForDecision(request);
      return { requested: true };
    },

    async RecordApproval({ executionId, state }): Promise<ApprovalDecision> {
      const intake = need('RecordApproval', state.intake, 'intake');
      const raw = state.approval as unknown as Record<string, unknown> | undefined;
      const decision: ApprovalDecision = state.approvalTimeout || !raw
        ? { approved: false, approver: 'system', at: now().toISOString(), timedOut: true, comment: 'no decision before the approval timeout' }
        : {
            approved: raw.approved === true,
            approver: typeof raw.approver === 'string' ? raw.approver.slice(0, 128) : 'unknown',
            at: typeof raw.at === 'string' ? raw.at : now().toISOString(),
            ...(typeof raw.comment === 'string' ? { comment: raw.comment.slice(0, 500) } : {}),
          };
      await ports.state.put(`approval#${executionName(executionId)}`, { executionId, status: decision.timedOut ? 'timed-out' : decision.approved ? 'approved' : 'rejected', decidedBy: decision.approver, decidedAt: decision.at }, 24 * 3600);
      await audit(executionId, intake, 'approval', { ...decision }, { actor: decision.timedOut ? 'system' : `user:${decision.approver}` });
      return decision;
    },

    async RemediateStep({ executionId, state }): Promise<RemediationProgress> {
      const intake = need('RemediateStep', state.intake, 'intake');
      const plan = need('RemediateStep', state.plan, 'plan');
      const progress: RemediationProgress = state.remediation ?? { nextStep: 0, done: plan.steps.length === 0, failed: false, outcomes: [] };
      const step = plan.steps[progress.nextStep];
      if (!step || progress.failed) return { ...progress, done: true };
      if (progress.nextStep === 0 && plan.runbookId) {
        for (const t of plan.targets) await ports.state.put(cooldownKey(plan.runbookId, t), { at: now().toISOString(), executionId }, 7 * 24 * 3600);
      }
      const targets = step.invocations.map((inv) => intake.targets.find((t) => t.id === inv.target)).filter((t): t is Target => t !== undefined);
      const executor = executors[step.actionTarget];
      let outcomes: readonly StepOutcome[];
      try {
        outcomes = executor
          ? await executor.execute(step, targets, { executionId })
          : targets.map((t) => ({ step: step.index, action: step.action, target: t.id, status: 'failed' as const, detail: `no executor for ${step.actionTarget} actions is configured` }));
      } catch (error) {
        outcomes = targets.map((t) => ({ step: step.index, action: step.action, target: t.id, status: 'failed' as const, detail: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500) }));
      }
      const failed = outcomes.some((o) => o.status === 'failed');
      if (failed) for (const o of outcomes) if (o.status === 'failed') await recordFailure(o.target);
      await audit(executionId, intake, 'step', { step: step.index, action: step.action, document: step.document ?? null, outcomes }, plan.runbookId ? { runbookId: plan.runbookId } : {});
      const nextStep = progress.nextStep + 1;
      return { nextStep, done: failed || nextStep >= plan.steps.length, failed, outcomes: [...progress.outcomes, ...outcomes] };
    },

    async Verify({ executionId, state }): Promise<VerificationResult> {
      const intake = need('Verify', state.intake, 'intake');
      const plan = need('Verify', state.plan, 'plan');
      const runbook = plan.runbookId ? runbookById.get(plan.runbookId) : undefined;
      const targets = intake.targets.filter((t) => plan.targets.includes(t.id));
      const collection = await collect(executionId, 'verify', targets);
      const classified = await classifyAll(collection.evidence, runbook);
      const alarmState = intake.trigger.alarmName && ports.alarms ? await ports.alarms.stateOf(intake.trigger.alarmName) : undefined;
      const decision = runbook
        ? decideVerification({
            runbook,
            matches: classified.map((c) => ({ target: c.target, runbookIds: c.result.matches.map((m) => m.runbookId) })),
            uncollected: collection.evidence.filter((e) => !e.ref).map((e) => e.target),
            failedChecks: classified.flatMap((c) => c.checks.filter((k) => k.held === false).map((k) => ({ target: c.target, description: k.description }))),
            ...(alarmState ? { alarmState } : {}),
          })
        : { cleared: false, reason: 'no runbook to verify against', stillMatching: [] };
      if (!decision.cleared) for (const t of plan.targets) await recordFailure(t);
      const result: VerificationResult = { ...decision, evidence: collection.evidence, ...(alarmState ? { alarmState } : {}) };
      await audit(executionId, intake, 'verified', { ...result }, plan.runbookId ? { runbookId: plan.runbookId } : {});
      return result;
    },

    async Escalate({ executionId, state }): Promise<{ reason: string }> {
      const intake = need('Escalate', state.intake, 'intake');
      const plan = state.plan;
      const reason = state.remediation?.failed
        ? `step failed: ${state.remediation.outcomes.filter((o) => o.status === 'failed').map((o) => `${o.action} on ${o.target}: ${o.detail ?? ''}`).join('; ').slice(0, 1000)}`
        : state.verification && !state.verification.cleared
          ? `remediation did not help: ${state.verification.reason}`
          : plan?.decision === 'escalate' ? plan.reason : 'escalated';
      await ports.notifier.notify({
        kind: 'escalation', subject: `[paramedic] escalation: ${plan?.runbookId ?? 'unclassified'} on ${intake.targets.slice(0, 5).map((t) => t.id).join(', ')}`,
        body: JSON.stringify({ executionId, reason, plan, evidence: state.collection?.evidence ?? [], verification: state.verification ?? null }).slice(0, 200_000),
      });
      await audit(executionId, intake, 'escalated', { reason }, plan?.runbookId ? { runbookId: plan.runbookId } : {});
      return { reason };
    },

    async ReleaseLock({ executionId, state }): Promise<{ released: string[] }> {
      const intake = need('ReleaseLock', state.intake, 'intake');
      const released: string[] = [];
      if (state.lock?.acquired) {
        for (const t of intake.targets) {
          await ports.locks.release(lockKey(t.id), executionId);
          released.push(t.id);
        }
        await audit(executionId, intake, 'released', { released });
      }
      return { released };
    },

    async Complete({ executionId, state }): Promise<CompletionSummary> {
      const intake = need('Complete', state.intake, 'intake');
      const outcome = decideOutcome(state);
      const runbookId = state.plan?.runbookId ?? state.classification?.runbookId ?? intake.runbookId ?? null;
      const durationMs = Math.max(0, now().getTime() - Date.parse(intake.startedAt));
      const summary: CompletionSummary = { executionId, outcome, runbookId, targets: intake.targets.map((t) => t.id), durationMs, failed: Boolean(state.failure) };
      await audit(executionId, intake, 'completed', {
        ...summary, decision: state.plan?.decision ?? null, reason: state.plan?.reason ?? null,
        ...(state.failure ? { failure: state.failure } : {}), ...(state.escalation ? { escalation: state.escalation } : {}),
      }, { outcome, ...(runbookId ? { runbookId } : {}) });
      await ports.notifier.notify({ kind: 'report', subject: `[paramedic] ${outcome}: ${runbookId ?? 'unclassified'} on ${summary.targets.slice(0, 5).join(', ') || 'no target'}`, body: JSON.stringify({ ...summary, plan: state.plan ?? null }).slice(0, 200_000) });
      return summary;
    },
  };

  return Object.fromEntries(
    WORKFLOW_TASK_NAMES.map((name) => [name, (input: unknown) => tasks[name](parseTaskInput(name, input))]),
  ) as Record<WorkflowTaskName, (input: unknown) => Promise<unknown>>;
}
