import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EKSClient } from '@aws-sdk/client-eks';
import { findAction } from '../../core/remediation/catalog.js';
import type { Clock } from '../../core/ports.js';
import type { TargetLocation } from '../../core/workflow/ports.js';
import { locationOf } from '../../core/workflow/target-location.js';
import type { ActionExecutor, ActionParams, ExecutionResult } from './executor.js';
import type { KubeAccessFor } from './eks-access-for.js';

/**
 * The workflow's executor port, restated structurally (core/workflow owns it; adapters must not
 * import handlers): one planned step, the targets it runs on, the execution it belongs to.
 */
export interface WorkflowStepExecutor {
  execute(
    step: WorkflowStep,
    targets: readonly WorkflowTarget[],
    context: { readonly executionId: string },
  ): Promise<readonly WorkflowStepOutcome[]>;
}

/** The fields of a planned step this executor reads. */
export interface WorkflowStep {
  readonly index: number;
  readonly action: string;
  readonly invocations: readonly {
    readonly target: string;
    readonly parameters: Readonly<Record<string, string>>;
  }[];
}

/** The fields of a workflow target this executor reads. */
export interface WorkflowTarget {
  readonly id: string;
  /** The account and region of the target's cluster (a spoke's), when it has them. */
  readonly account?: string;
  readonly region?: string;
  readonly cluster?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
}

/** One step's result on one target (the workflow's StepOutcome, plus the changes made). */
export interface WorkflowStepOutcome {
  readonly step: number;
  readonly action: string;
  readonly target: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly detail?: string;
  readonly durationMs?: number;
  /** One line per change made (dry run: that would be made), then any undone. */
  readonly changes?: readonly string[];
}

/** What the Kubernetes and AWS node executors need. */
export interface KubernetesStepExecutorOptions {
  /** The catalogue's executors by action id (kubernetesActionExecutors). */
  readonly executors: Readonly<Record<string, ActionExecutor>>;
  readonly accessFor: KubeAccessFor;
  readonly clock: Clock;
  /** Plan only: every executor reads and reports what it would change. */
  readonly dryRun: boolean;
  /** The Auto Scaling client of a target's account and region (node-replace); absent location: the function's own. */
  readonly autoScalingIn?: (location?: TargetLocation) => Pick<AutoScalingClient, 'send'>;
  /** The EKS client of a target's account and region (nodegroup-scale-up). */
  readonly eksIn?: (location?: TargetLocation) => Pick<EKSClient, 'send'>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Detail is stored in the execution state and audit record: keep the end, where the outcome is. */
const MAX_DETAIL = 1500;

/**
 * A changed or unchanged action succeeded (the target is as the action wants it); a guard's
 * refusal (`blocked`) fails the step so the workflow escalates to a person instead of verifying.
 */
function statusOf(result: ExecutionResult): WorkflowStepOutcome['status'] {
  return result.status === 'changed' || result.status === 'unchanged' ? 'succeeded' : 'failed';
}

/** Integer parameters arrive as text in the plan; the executors take numbers for them. */
function typedParameters(
  action: string,
  parameters: Readonly<Record<string, string>>,
): ActionParams {
  const definition = findAction(action);
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(parameters)) {
    out[name] =
      definition?.parameters[name]?.type === 'integer' && /^-?\d+$/.test(value)
        ? Number(value)
        : value;
  }
  return out;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `…${text.slice(-MAX_DETAIL)}` : text;
}

/**
 * Runs the catalogue's `kubernetes` and `aws` actions (cordon, drain through Eviction with PDB
 * backoff, delete pod, rollout restart, node replacement through the ASG, node-group scale) behind
 * the workflow's executor port. Targets run one after another: a drain of several nodes must not
 * take their capacity away at once. Never throws for one target's failure; it is that target's
 * outcome, with the executor's report as detail.
 * @example ports.executors = { kubernetes: executor, aws: executor } // executor = new KubernetesStepExecutor({ executors: kubernetesActionExecutors, ... })
 */
export class KubernetesStepExecutor implements WorkflowStepExecutor {
  constructor(private readonly options: KubernetesStepExecutorOptions) {}

  async execute(
    step: WorkflowStep,
    targets: readonly WorkflowTarget[],
  ): Promise<readonly WorkflowStepOutcome[]> {
    const outcomes: WorkflowStepOutcome[] = [];
    for (const target of targets) outcomes.push(await this.runOne(step, target));
    return outcomes;
  }

  private async runOne(step: WorkflowStep, target: WorkflowTarget): Promise<WorkflowStepOutcome> {
    const base = { step: step.index, action: step.action, target: target.id };
    const started = this.options.clock.now().getTime();
    const executor = this.options.executors[step.action];
    if (!executor)
      return {
        ...base,
        status: 'failed',
        detail: `no Kubernetes or AWS executor for action ${step.action}; it is not a kubernetes/aws catalogue action`,
      };
    if (!target.cluster)
      return {
        ...base,
        status: 'failed',
        detail: `target ${target.id} names no EKS cluster; ${step.action} needs one (the alarm's ClusterName)`,
      };
    const invocation = step.invocations.find((i) => i.target === target.id);
    // A target in a spoke account is acted on there: its cluster's API and AWS clients of its account and region.
    const location = locationOf(target.account, target.region);
    try {
      const result = await executor.execute(
        typedParameters(step.action, invocation?.parameters ?? {}),
        {
          dryRun: this.options.dryRun,
          clock: this.options.clock,
          kube: this.options.accessFor(target.cluster, location),
          clusterName: target.cluster,
          target: {
            ...(target.node ? { node: target.node } : {}),
            ...(target.namespace ? { namespace: target.namespace } : {}),
            ...(target.pod ? { pod: target.pod } : {}),
          },
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
          ...(this.options.autoScalingIn
            ? { autoScaling: this.options.autoScalingIn(location) }
            : {}),
          ...(this.options.eksIn ? { eks: this.options.eksIn(location) } : {}),
        },
      );
      const changes = [...result.changes, ...result.undone.map((u) => `undone: ${u}`)];
      return {
        ...base,
        status: statusOf(result),
        detail: clip(`${result.status}${result.dryRun ? ' (dry run)' : ''}: ${result.report}`),
        durationMs: this.options.clock.now().getTime() - started,
        ...(changes.length ? { changes } : {}),
      };
    } catch (error) {
      // Parameter errors (the planner let a bad value through) and access failures land here.
      return {
        ...base,
        status: 'failed',
        detail: clip(
          `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`,
        ),
        durationMs: this.options.clock.now().getTime() - started,
      };
    }
  }
}
