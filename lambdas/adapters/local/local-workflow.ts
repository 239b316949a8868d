/**
 * The local workflow: the pipeline's steps as an ASL (JSONPath) definition plus one handler per Task
 * state, over the local ports. Used when the CDK workflow (cdk/workflow/render-workflow-asl.ts and
 * lambdas/handlers/workflow-tasks.ts) is not available; its state names follow the same steps.
 */
import { classifyEvidence, type ClassificationResult } from '../../core/classify/engine.js';
import type { CompiledRulebook } from '../../core/classify/compile.js';
import { parseEvidenceDocument, type EvidenceBundle } from '../../core/evidence/bundle.js';
import type { EvidenceRef } from '../../core/ports.js';
import type { AuditEntryInput, AuditOutcome } from '../../core/audit/audit-entry.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alarmTarget, parseAlarmEvent, type AlarmSummary } from './alarm-event.js';
import { sha256Hex } from './data-dir.js';
import type { LocalPorts } from './local-ports.js';
import { planRemediation, type PlanTarget, type RemediationPlan } from '../../core/remediation/remediation-preview.js';

/** How approval tasks resolve locally (waitForTaskToken is not emulated). */
export type ApprovalPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'approve'; readonly by: string }
  | { readonly kind: 'reject'; readonly by: string };

/** The workflow's input: an alarm, a replayed bundle, or a manual run. */
export type WorkflowInput =
  | { source: 'alarm'; executionId: string; mode: 'dry-run' | 'execute'; alarm: unknown }
  | { source: 'replay'; executionId: string; mode: 'dry-run'; evidence: EvidenceRef; file: string }
  | { source: 'manual'; executionId: string; mode: 'dry-run' | 'execute'; runbookId: string; target: string; actor: string };

/** Collector document per platform (what SSM runs; the local runner runs the same scripts). */
export const COLLECTOR_DOCUMENTS = { docker: 'Paramedic-CollectDockerHost', eks: 'Paramedic-CollectEksNode' } as const;

const task = (name: string, next: string, resultPath: string, extra: Record<string, unknown> = {}) => ({
  [name]: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:paramedic-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`, ResultPath: resultPath, Next: next, ...extra },
});
const catchToRelease = { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Release' }] };

/** The local workflow definition (ASL, JSONPath). */
export const LOCAL_WORKFLOW_ASL = {
  Comment: 'Paramedic triage (local workflow): intake, lock, collect, classify, plan, approve or report, remediate, verify, escalate, release, record',
  StartAt: 'Intake',
  States: {
    ...task('Intake', 'IsDuplicate', '$.intake'),
    IsDuplicate: { Type: 'Choice', Choices: [{ Variable: '$.intake.duplicate', BooleanEquals: true, Next: 'Duplicate' }], Default: 'AcquireLock' },
    Duplicate: { Type: 'Succeed' },
    ...task('AcquireLock', 'LockTaken', '$.lock'),
    LockTaken: { Type: 'Choice', Choices: [{ Variable: '$.lock.acquired', BooleanEquals: false, Next: 'RecordOutcome' }], Default: 'Collect' },
    ...task('Collect', 'Classify', '$.collection', catchToRelease),
    ...task('Classify', 'Plan', '$.classification', catchToRelease),
    ...task('Plan', 'Route', '$.plan', catchToRelease),
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.plan.decision', StringEquals: 'automatic', Next: 'Remediate' },
        { Variable: '$.plan.decision', StringEquals: 'approval', Next: 'RequestApproval' },
      ],
      Default: 'Report',
    },
    ...task('RequestApproval', 'Approved', '$.approval', catchToRelease),
    Approved: { Type: 'Choice', Choices: [{ Variable: '$.approval.status', StringEquals: 'approved', Next: 'Remediate' }], Default: 'Release' },
    ...task('Report', 'Release', '$.report', catchToRelease),
    ...task('Remediate', 'Verify', '$.remediation', { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Escalate' }] }),
    ...task('Verify', 'Cleared', '$.verification', { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Escalate' }] }),
    Cleared: { Type: 'Choice', Choices: [{ Variable: '$.verification.cleared', BooleanEquals: true, Next: 'Release' }], Default: 'Escalate' },
    ...task('Escalate', 'Release', '$.escalation'),
    ...task('Release', 'RecordOutcome', '$.release'),
    ...task('RecordOutcome', 'Done', '$.outcome'),
    Done: { Type: 'Succeed' },
  },
} as const;

type State = Record<string, any>;

/** Options of the local task handlers. */
export interface LocalWorkflowOptions {
  readonly rulebook: CompiledRulebook;
  readonly approval: ApprovalPolicy;
  /** Seconds a target stays locked at most. */
  readonly lockTtlSeconds?: number;
  /** Who a run's actions are attributed to when the trigger has no person. */
  readonly systemActor?: string;
}

function summarizeClassification(result: ClassificationResult, forced?: string) {
  const top = result.matches[0];
  return {
    runbookId: forced ?? top?.runbookId ?? null,
    confidence: top?.confidence ?? null,
    forced: forced !== undefined,
    matches: result.matches.slice(0, 5),
    explanations: result.explanations.slice(0, 6),
    runnerUp: result.explanations.find((e) => e.runbookId !== (forced ?? top?.runbookId)) ?? null,
  };
}

/** Builds the task handlers of {@link LOCAL_WORKFLOW_ASL} over the local ports. */
export function createLocalWorkflowTasks(ports: LocalPorts, options: LocalWorkflowOptions): Record<string, (input: State) => Promise<unknown>> {
  const byId = new Map(options.rulebook.runbooks.map((r) => [r.id, r]));
  const now = () => ports.clock.now().toISOString();
  const audit = (state: State, entry: Omit<AuditEntryInput, 'executionId' | 'at' | 'actor' | 'target'> & { actor?: string }) =>
    ports.audit.append({ executionId: state.executionId, at: now(), actor: entry.actor ?? state.intake?.actor ?? 'system', target: state.intake?.target?.label, ...entry });
  const planTarget = (state: State): PlanTarget => state.intake.target as PlanTarget;
  const mode = (state: State): 'dry-run' | 'execute' => (state.mode === 'execute' ? 'execute' : 'dry-run');

  const collect = async (state: State, key: string): Promise<{ ref: EvidenceRef; bundle: EvidenceBundle; durationMs: number; document: string; status: string }> => {
    if (!ports.runner) throw new Error('no command runner: local collection needs lambdas/adapters/local/local-command-runner.ts');
    const platform = planTarget(state).platform;
    const document = COLLECTOR_DOCUMENTS[platform];
    const started = Date.now();
    const [result] = await ports.runner.run({ document, parameters: {}, targets: ['local'], timeoutSeconds: 120 });
    if (!result || result.status !== 'Success') throw new Error(`collector ${document} on local ended ${result?.status ?? 'without a result'}: ${(result?.stderr ?? '').slice(-400)}`);
    const bundle = parseEvidenceDocument(JSON.parse(result.stdout)).bundle;
    const ref = await ports.evidence.put(`${state.executionId}/${key}`, bundle);
    return { ref, bundle, durationMs: Date.now() - started, document, status: result.status };
  };

  return {
    async Intake(state) {
      let target: PlanTarget;
      let actor = options.systemActor ?? 'system';
      let alarm: AlarmSummary | undefined;
      let summary: string;
      if (state.source === 'alarm') {
        alarm = parseAlarmEvent(state.alarm);
        const t = alarmTarget(alarm);
        target = { platform: t.platform, instanceId: t.instanceId, cluster: t.cluster, node: t.node, label: t.label, local: true };
        actor = `alarm:${alarm.alarmName}`;
        summary = `${alarm.alarmName} went ${alarm.state}${alarm.previousState ? ` (from ${alarm.previousState})` : ''}: ${alarm.reason}`;
        const fresh = await ports.state.putIfAbsent(`dedupe:${alarm.eventId}`, { executionId: state.executionId }, 3600);
        if (!fresh) {
          const first = await ports.state.get(`dedupe:${alarm.eventId}`);
          await ports.audit.append({ executionId: state.executionId, at: now(), actor, target: target.label, type: 'deduplicated', data: { eventId: alarm.eventId, firstExecution: first?.executionId ?? null } });
          return { duplicate: true, actor, target, summary };
        }
      } else if (state.source === 'replay') {
        const bundle = await ports.evidence.get(state.evidence);
        const t = bundle.target;
        target = { ...t, label: t.instanceId ?? t.node ?? t.pod ?? 'replay' };
        actor = `user:${process.env.USER ?? 'local'}`;
        summary = `replay of ${state.file}`;
      } else {
        const spec = String(state.target);
        const runbook = byId.get(state.runbookId);
        if (!runbook) throw new Error(`unknown runbook ${state.runbookId}; list them with "npx paramedic runbooks list"`);
        const { parseTargetSpec } = await import('../../core/remediation/remediation-preview.js');
        target = parseTargetSpec(spec, runbook.platform === 'eks' ? 'eks' : 'docker');
        actor = state.actor;
        summary = `manual run of ${runbook.id} on ${spec} (${mode(state)})`;
      }
      await ports.audit.append({ executionId: state.executionId, at: now(), actor, target: target.label, runbookId: state.runbookId, type: 'triggered', data: { source: state.source, mode: mode(state), summary, alarm: alarm ?? null, file: state.file ?? null } });
      return { duplicate: false, actor, target, summary, alarm: alarm ?? null };
    },

    async AcquireLock(state) {
      const label = state.intake.target.label;
      const acquired = await ports.locks.acquire(label, state.executionId, options.lockTtlSeconds ?? 900);
      await audit(state, { type: 'locked', data: { acquired, ttlSeconds: options.lockTtlSeconds ?? 900, ...(acquired ? {} : { holder: (await ports.locks.holder(label))?.owner ?? null }) } });
      return { acquired };
    },

    async Collect(state) {
      if (state.source === 'replay') {
        const bundle = await ports.evidence.get(state.evidence);
        await audit(state, { type: 'collected', data: { evidence: state.evidence, sections: Object.keys(bundle.sections), how: `recorded bundle ${state.file}` } });
        return { evidence: state.evidence, sections: Object.keys(bundle.sections).length, how: 'replay' };
      }
      if (state.source === 'manual' && (mode(state) === 'dry-run' || !planTarget(state).local)) {
        await audit(state, { type: 'collected', data: { skipped: true, reason: 'manual dry run: nothing collected' } });
        return { evidence: null, sections: 0, how: 'skipped' };
      }
      const c = await collect(state, 'collected');
      const errors = Object.entries(c.bundle.sections).filter(([, s]) => s.error).map(([name, s]) => ({ section: name, error: s.error }));
      await audit(state, { type: 'collected', data: { evidence: c.ref, document: c.document, targets: ['local'], status: c.status, durationMs: c.durationMs, sections: Object.keys(c.bundle.sections), errors } });
      return { evidence: c.ref, sections: Object.keys(c.bundle.sections).length, how: c.document };
    },

    async Classify(state) {
      const forced = state.source === 'manual' ? String(state.runbookId) : undefined;
      if (!state.collection?.evidence) {
        const out = { runbookId: forced ?? null, confidence: null, forced: true, matches: [], explanations: [], runnerUp: null };
        await audit(state, { type: 'classified', runbookId: forced, data: { ...out, note: 'no evidence: the runbook was chosen by the operator' } });
        return out;
      }
      const bundle = await ports.evidence.get(state.collection.evidence);
      const out = summarizeClassification(classifyEvidence(options.rulebook, bundle), forced);
      await audit(state, { type: 'classified', runbookId: out.runbookId ?? undefined, data: out });
      return out;
    },

    async Plan(state) {
      const runbookId: string | null = state.classification.runbookId;
      const runbook = runbookId ? byId.get(runbookId) : undefined;
      const target = planTarget(state);
      let blockedReason: string | undefined;
      if (runbook && mode(state) === 'execute') {
        const cooldown = await ports.state.get(`cooldown:${runbook.id}:${target.label}`);
        if (cooldown) blockedReason = `cooldown: ${runbook.id} acted on ${target.label} at ${String(cooldown.at)}; waits ${runbook.remediation.guards.cooldownMinutes} min`;
        const failures = Number((await ports.state.get(`failures:${target.label}`))?.count ?? 0);
        if (!blockedReason && failures >= runbook.remediation.guards.maxFailuresPerDay) blockedReason = `${failures} failed remediations on ${target.label} in 24 h: only escalation now`;
        if (!blockedReason && !target.local) blockedReason = `${target.label} is not this machine: execute it through the deployed stack`;
      }
      const plan: RemediationPlan = planRemediation(runbook, target, { mode: mode(state), blockedReason });
      await audit(state, { type: 'planned', runbookId: runbookId ?? undefined, data: { plan } });
      return plan;
    },

    async RequestApproval(state) {
      const plan = state.plan as RemediationPlan;
      const id = `${state.executionId}-approval`;
      const summary = `${plan.runbookId} on ${state.intake.target.label}: ${plan.steps.map((s) => s.action).join(', ')}`;
      const timeoutSeconds = options.approval.kind === 'wait' ? options.approval.seconds : 3600;
      await ports.approvals.request({ id, executionId: state.executionId, runbookId: plan.runbookId ?? undefined, target: state.intake.target.label, summary, plan, timeoutSeconds });
      await ports.notifier.notify({ kind: 'approval', subject: `Approve ${summary}?`, body: `Approve or reject in "npx paramedic console" (approval ${id}).\n${plan.reason}` });
      await audit(state, { type: 'approval-requested', runbookId: plan.runbookId ?? undefined, data: { approvalId: id, summary, timeoutSeconds } });
      const policy = options.approval;
      let rec;
      if (policy.kind === 'approve' || policy.kind === 'reject') rec = await ports.approvals.decide(id, { approved: policy.kind === 'approve', by: policy.by, comment: 'decided on the command line' });
      else if (policy.kind === 'wait') rec = await ports.approvals.awaitDecision(id, policy.seconds * 1000);
      if (!rec || rec.status === 'pending' || rec.status === 'timed-out') rec = await ports.approvals.timeOut(id);
      const status = rec?.status ?? 'timed-out';
      await audit(state, { type: 'approval', actor: rec?.decidedBy ? (rec.decidedBy.includes(':') ? rec.decidedBy : `user:${rec.decidedBy}`) : 'system', runbookId: plan.runbookId ?? undefined, outcome: status === 'rejected' ? 'rejected' : status === 'timed-out' ? 'timed-out' : undefined, data: { approvalId: id, status, by: rec?.decidedBy ?? null, at: rec?.decidedAt ?? null, comment: rec?.comment ?? null } });
      return { approvalId: id, status, by: rec?.decidedBy ?? null, at: rec?.decidedAt ?? null };
    },

    async Report(state) {
      const plan = state.plan as RemediationPlan;
      const subject = plan.runbookId ? `${plan.runbookId} on ${state.intake.target.label}: ${plan.decision}` : `unclassified incident on ${state.intake.target.label}`;
      const lines = [state.intake.summary, plan.reason, ...plan.steps.map((s) => `would run step ${s.index}: ${s.action}${s.document ? ` (${s.document} on ${s.targets.join(', ')})` : ''}`)];
      await ports.notifier.notify({ kind: 'report', subject, body: lines.join('\n') });
      return { notified: true, subject };
    },

    async Remediate(state) {
      const plan = state.plan as RemediationPlan;
      const results = [];
      for (const step of plan.steps) {
        const started = Date.now();
        let status: string;
        let exitCode: number | null = null;
        let output = '';
        if (!step.mutates) { status = 'Success'; output = 'report only'; }
        else if (!step.document) { status = 'Failed'; output = `${step.call ?? step.action}: needs the Kubernetes/AWS adapters; run it through the deployed stack`; }
        else if (!ports.runner) { status = 'Failed'; output = 'no local command runner'; }
        else {
          const [r] = await ports.runner.run({ document: step.document, parameters: step.parameters, targets: ['local'], timeoutSeconds: 300 });
          status = r?.status ?? 'Failed';
          exitCode = r?.exitCode ?? null;
          output = `${r?.stdout ?? ''}${r?.stderr ? `\n${r.stderr}` : ''}`;
        }
        const dir = join(ports.dataDir, 'outputs', state.executionId);
        await mkdir(dir, { recursive: true });
        const file = join(dir, `step-${step.index}.txt`);
        await writeFile(file, output);
        const result = { index: step.index, action: step.action, document: step.document ?? null, status, exitCode, durationMs: Date.now() - started, output: { uri: pathToFileURL(file).href, sha256: sha256Hex(output), bytes: Buffer.byteLength(output) }, tail: output.slice(-500) };
        results.push(result);
        await audit(state, { type: 'step', runbookId: plan.runbookId ?? undefined, data: result });
        if (status !== 'Success') break;
      }
      const ok = results.every((r) => r.status === 'Success');
      if (plan.runbookId && plan.guards) await ports.state.put(`cooldown:${plan.runbookId}:${state.intake.target.label}`, { at: now(), executionId: state.executionId }, plan.guards.cooldownMinutes * 60);
      if (!ok) throw Object.assign(new Error(`step ${results.at(-1)?.index} (${results.at(-1)?.action}) ended ${results.at(-1)?.status}`), { name: 'RemediationFailed' });
      return { status: 'Success', steps: results };
    },

    async Verify(state) {
      const c = await collect(state, 'verification');
      const result = classifyEvidence(options.rulebook, c.bundle);
      const still = result.matches.find((m) => m.runbookId === state.plan.runbookId);
      const cleared = !still;
      await audit(state, { type: 'verified', runbookId: state.plan.runbookId, data: { evidence: c.ref, cleared, stillMatching: still ?? null } });
      return { cleared, evidence: c.ref };
    },

    async Escalate(state) {
      const key = `failures:${state.intake.target.label}`;
      const count = Number((await ports.state.get(key))?.count ?? 0) + 1;
      await ports.state.put(key, { count }, 24 * 3600);
      const reason = state.error ? `remediation failed: ${String(state.error.Cause ?? state.error.Error).slice(0, 300)}` : 'the failure is still there after remediation';
      await ports.notifier.notify({ kind: 'escalation', subject: `ESCALATION ${state.plan?.runbookId ?? 'incident'} on ${state.intake.target.label}`, body: reason });
      await audit(state, { type: 'escalated', runbookId: state.plan?.runbookId, data: { reason, failuresToday: count } });
      return { escalated: true, reason };
    },

    async Release(state) {
      const label = state.intake.target.label;
      if (state.lock?.acquired) await ports.locks.release(label, state.executionId);
      await audit(state, { type: 'released', data: { released: Boolean(state.lock?.acquired) } });
      return { released: Boolean(state.lock?.acquired) };
    },

    async RecordOutcome(state) {
      const outcome: AuditOutcome = outcomeOf(state);
      const first = (await ports.audit.execution(state.executionId))[0];
      const durationMs = first ? ports.clock.now().getTime() - Date.parse(first.at) : 0;
      await audit(state, { type: 'completed', runbookId: state.plan?.runbookId ?? state.classification?.runbookId ?? undefined, outcome, data: { outcome, durationMs, error: state.error ?? null } });
      return { outcome, durationMs };
    },
  };
}

/** The execution's outcome from its final state. */
export function outcomeOf(state: State): AuditOutcome {
  if (state.lock && state.lock.acquired === false) return 'skipped';
  if (state.escalation) return 'escalated';
  if (state.error) return 'failed';
  if (state.remediation && state.verification?.cleared) return 'remediated';
  if (state.approval?.status === 'rejected') return 'rejected';
  if (state.approval?.status === 'timed-out') return 'timed-out';
  const decision = state.plan?.decision;
  if (decision === 'unclassified') return 'unclassified';
  if (decision === 'dry-run') return 'dry-run';
  return 'reported';
}
