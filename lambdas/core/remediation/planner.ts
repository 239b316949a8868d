/**
 * Turns a runbook's remediation steps into catalogue invocations with every parameter resolved
 * (from the step, from the target, or the action's default) and validated against the
 * action's declared pattern or range. Nothing reaches a document or an API call unvalidated.
 */
import type { RemediationStep } from '../runbook/model.js';
import type { PlannedStep, StepInvocation, Target } from '../workflow/model.js';
import { findAction, type ActionDefinition, type ActionParameter } from './catalog.js';

/** Prefix of every project SSM document name. */
export { DOCUMENT_PREFIX } from '../collection/collector-documents.js';
import { DOCUMENT_PREFIX } from '../collection/collector-documents.js';

/** A step that cannot be planned; the message names the runbook step and parameter. */
export class PlanningError extends Error {
  constructor(
    readonly stepIndex: number,
    message: string,
  ) {
    super(`steps[${stepIndex}]: ${message}`);
    this.name = 'PlanningError';
  }
}

/** Full SSM document name of a host action, or undefined for API/Kubernetes actions. */
export function documentNameOf(
  action: ActionDefinition,
  prefix = DOCUMENT_PREFIX,
): string | undefined {
  return action.document ? `${prefix}${action.document}` : undefined;
}

function fromTarget(param: ActionParameter, target: Target): string | undefined {
  switch (param.fromTarget) {
    case 'instanceId':
      return target.instanceId ?? (target.id.startsWith('i-') ? target.id : undefined);
    case 'node':
      return target.node;
    case 'namespace':
      return target.namespace;
    case 'pod':
      return target.pod;
    case 'container':
      return target.container;
    case 'cluster':
      return target.cluster;
    default:
      return undefined;
  }
}

/** Checks one value against a parameter's declared type; returns the string form or a reason. */
export function validateParameter(
  name: string,
  param: ActionParameter,
  value: string | number,
): { value: string } | { error: string } {
  if (param.type === 'integer') {
    const n =
      typeof value === 'number' ? value : /^-?[0-9]{1,12}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n))
      return {
        error: `parameter ${name} must be an integer, got ${JSON.stringify(value).slice(0, 40)}`,
      };
    if (param.min !== undefined && n < param.min)
      return { error: `parameter ${name} must be >= ${param.min}, got ${n}` };
    if (param.max !== undefined && n > param.max)
      return { error: `parameter ${name} must be <= ${param.max}, got ${n}` };
    return { value: String(n) };
  }
  const s = String(value);
  if (param.allowedPattern && !new RegExp(param.allowedPattern).test(s)) {
    return {
      error: `parameter ${name} value ${JSON.stringify(s).slice(0, 60)} does not match ${param.allowedPattern}`,
    };
  }
  return { value: s };
}

const PLATFORM_OF: Partial<Record<ActionDefinition['target'], Target['platform']>> = {
  'docker-host': 'docker',
  'eks-node': 'eks',
};

/**
 * Plans every step of a remediation for the given targets. A host action applies only to the
 * targets of its platform (a runbook for both Docker hosts and EKS nodes lists both kinds of
 * steps); a step that applies to no target is left out, and the kept steps are renumbered.
 * @throws PlanningError on an unknown action, a parameter that fails validation, or a Kubernetes action without a cluster.
 */
export function planSteps(
  steps: readonly RemediationStep[],
  targets: readonly Target[],
  prefix = DOCUMENT_PREFIX,
): PlannedStep[] {
  const planned: PlannedStep[] = [];
  steps.forEach((step, index) => {
    const action = findAction(step.action);
    if (!action)
      throw new PlanningError(
        index,
        `action "${step.action}" is not in the catalogue (lambdas/core/remediation/catalog.ts)`,
      );
    const extra = Object.keys(step.params ?? {}).filter((k) => !(k in action.parameters));
    if (extra.length > 0)
      throw new PlanningError(index, `action ${action.id} has no parameter ${extra.join(', ')}`);
    const wanted = PLATFORM_OF[action.target];
    const applicable = targets.filter((t) => !wanted || t.platform === wanted);
    if (applicable.length === 0) return;
    const invocations: StepInvocation[] = applicable.map((target) => {
      if (action.target === 'kubernetes' && !target.cluster)
        throw new PlanningError(
          index,
          `action ${action.id} needs an EKS cluster, target ${target.id} has none`,
        );
      const parameters: Record<string, string> = {};
      for (const [name, param] of Object.entries(action.parameters)) {
        const raw = step.params?.[name] ?? fromTarget(param, target) ?? param.default;
        if (raw === undefined)
          throw new PlanningError(
            index,
            `action ${action.id} needs parameter ${name} (${param.description}) and target ${target.id} does not provide it`,
          );
        const checked = validateParameter(name, param, raw);
        if ('error' in checked)
          throw new PlanningError(index, `action ${action.id}: ${checked.error}`);
        parameters[name] = checked.value;
      }
      return { target: target.id, parameters };
    });
    planned.push({
      index: planned.length,
      action: action.id,
      title: step.description ?? action.title,
      actionTarget: action.target,
      risk: action.risk,
      mutates: action.mutates,
      ...(action.document ? { document: documentNameOf(action, prefix) } : {}),
      invocations,
    });
  });
  return planned;
}
