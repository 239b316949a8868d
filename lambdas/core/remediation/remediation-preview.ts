import { findAction, type ActionDefinition, type ActionTarget } from './catalog.js';
import type { Runbook } from '../runbook/model.js';
import type { EvidenceTarget } from '../evidence/bundle.js';

/** One step as it would run: the action, the document or API, its checked parameters and targets. */
export interface PlannedStep {
  readonly index: number;
  readonly action: string;
  readonly title: string;
  readonly runsOn: ActionTarget;
  readonly risk: 'safe' | 'risky';
  readonly mutates: boolean;
  /** `Paramedic-<Document>` for host actions (what SSM or the local runner executes). */
  readonly document?: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** Instance ids, node names or `local`; the API object for Kubernetes/AWS actions. */
  readonly targets: readonly string[];
  /** For non-document actions: the API call in words, with the permissions it needs. */
  readonly call?: string;
}

/** What the planner decided. */
export type PlanDecision = 'automatic' | 'approval' | 'report-only' | 'dry-run' | 'unclassified' | 'blocked';

/** A remediation plan for one runbook on one target. */
export interface RemediationPlan {
  readonly runbookId: string | null;
  readonly title?: string;
  readonly safety?: Runbook['remediation']['safety'];
  readonly summary?: string;
  readonly decision: PlanDecision;
  /** Why that decision, in one sentence. */
  readonly reason: string;
  readonly steps: readonly PlannedStep[];
  readonly guards?: Runbook['remediation']['guards'];
  /** Runbook steps left out because they run on another platform than the target's. */
  readonly skipped?: readonly string[];
  /** Problems that block the plan (a parameter without a value, a pattern mismatch). */
  readonly problems: readonly string[];
}

/** The incident target in the shape the planner reads (the evidence bundle's target plus `local`). */
export type PlanTarget = EvidenceTarget & { readonly label: string; readonly local?: boolean };

/** Parses `--target` (`local`, an instance id, a node name) into a plan target. */
export function parseTargetSpec(spec: string, platformHint?: 'docker' | 'eks'): PlanTarget {
  if (spec === 'local') return { platform: platformHint ?? 'docker', instanceId: 'local', label: 'local', local: true };
  const eks = /^eks:([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/.exec(spec);
  if (eks) return { platform: 'eks', cluster: eks[1], node: eks[2], label: eks[2]! };
  if (/^i-[0-9a-f]{8,17}$/.test(spec)) return { platform: 'docker', instanceId: spec, label: spec };
  if (/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(spec)) return { platform: 'eks', node: spec, label: spec };
  throw new Error(`target ${JSON.stringify(spec)} is not "local", an instance id (i-0123456789abcdef0), a node name (ip-10-0-1-23.ec2.internal) or eks:<cluster>/<node>`);
}

function resolveParameters(action: ActionDefinition, params: Readonly<Record<string, string | number>> | undefined, target: PlanTarget, where: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(action.parameters)) {
    const fromTarget = def.fromTarget ? target[def.fromTarget] : undefined;
    const raw = params?.[name] ?? fromTarget ?? def.default;
    if (raw === undefined || raw === null || raw === '') {
      problems.push(`${where}: parameter ${name} has no value (${def.description}); the target names no ${def.fromTarget ?? name}`);
      continue;
    }
    const value = String(raw);
    if (def.type === 'integer') {
      const n = Number(value);
      if (!Number.isInteger(n) || (def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
        problems.push(`${where}: parameter ${name}=${value} must be an integer in [${def.min ?? '-∞'}, ${def.max ?? '∞'}]`);
        continue;
      }
    } else if (def.allowedPattern && !new RegExp(def.allowedPattern).test(value)) {
      problems.push(`${where}: parameter ${name}=${JSON.stringify(value)} does not match ${def.allowedPattern}`);
      continue;
    }
    out[name] = value;
  }
  return out;
}

function targetsFor(action: ActionDefinition, target: PlanTarget): string[] {
  switch (action.target) {
    case 'docker-host': return [target.local ? 'local' : target.instanceId ?? target.label];
    case 'eks-node': return [target.local ? 'local' : target.instanceId ?? target.node ?? target.label];
    case 'kubernetes': return [target.cluster ? `cluster ${target.cluster}` : 'the cluster of the target'];
    case 'aws': return [target.instanceId ?? target.node ?? target.label];
    default: return [];
  }
}

/**
 * Expands a runbook's remediation into concrete steps for one target, checking every parameter
 * against the catalogue (the same checks the SSM document's allowedPattern enforces).
 */
export function planRemediation(runbook: Runbook | undefined, target: PlanTarget, options: { mode: 'dry-run' | 'execute'; blockedReason?: string }): RemediationPlan {
  if (!runbook) return { runbookId: null, decision: 'unclassified', reason: 'no runbook matched the evidence; nothing to do but report', steps: [], problems: [] };
  const problems: string[] = [];
  const skipped: string[] = [];
  const fits = (t: ActionTarget) => t === 'none' || t === 'aws' || (target.platform === 'docker' ? t === 'docker-host' : t === 'eks-node' || t === 'kubernetes');
  const chosen = runbook.remediation.steps.map((step, i) => ({ step, i })).filter(({ step }) => {
    const action = findAction(step.action);
    if (action && !fits(action.target)) { skipped.push(`${step.action} (runs on ${action.target}, the target is ${target.platform})`); return false; }
    return true;
  });
  const steps: PlannedStep[] = chosen.map(({ step, i }, n) => {
    const where = `runbook ${runbook.id} remediation.steps[${i}] (${step.action})`;
    const action = findAction(step.action);
    if (!action) {
      problems.push(`${where}: action is not in the catalogue`);
      return { index: n + 1, action: step.action, title: 'unknown action', runsOn: 'none', risk: 'risky', mutates: true, parameters: {}, targets: [] };
    }
    const parameters = resolveParameters(action, step.params, target, where, problems);
    const call = action.document ? undefined : action.target === 'none' ? 'notify the operators (nothing changes)' : `${action.target === 'kubernetes' ? 'Kubernetes API' : 'AWS API'}: ${action.title}${[...action.permissions.kubernetes, ...action.permissions.iam].length ? ` [needs ${[...action.permissions.kubernetes, ...action.permissions.iam].join(', ')}]` : ''}`;
    return {
      index: n + 1, action: action.id, title: step.description ?? action.title, runsOn: action.target, risk: action.risk, mutates: action.mutates,
      document: action.document ? `Paramedic-${action.document}` : undefined, parameters, targets: targetsFor(action, target), call,
    };
  });
  const base = { runbookId: runbook.id, title: runbook.title, safety: runbook.remediation.safety, summary: runbook.remediation.summary, steps, skipped, guards: runbook.remediation.guards, problems };
  if (problems.length > 0) return { ...base, decision: 'blocked', reason: problems[0]! };
  if (options.blockedReason) return { ...base, decision: 'blocked', reason: options.blockedReason };
  if (runbook.remediation.safety === 'report-only' || steps.every((s) => !s.mutates)) return { ...base, decision: 'report-only', reason: 'the runbook only reports: a person must decide' };
  if (options.mode === 'dry-run') return { ...base, decision: 'dry-run', reason: `dry run: nothing changes (would be ${needsApproval(runbook, steps) ? 'approval' : 'automatic'})` };
  if (needsApproval(runbook, steps)) return { ...base, decision: 'approval', reason: runbook.remediation.safety === 'approval' ? 'the runbook requires an approval' : 'a step is risky, so a person must approve' };
  return { ...base, decision: 'automatic', reason: 'every step is safe and the runbook allows automatic remediation' };
}

function needsApproval(runbook: Runbook, steps: readonly PlannedStep[]): boolean {
  return runbook.remediation.safety === 'approval' || steps.some((s) => s.risk === 'risky');
}
