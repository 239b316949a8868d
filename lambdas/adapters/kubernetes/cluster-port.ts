import type { KubernetesTargetResolution } from '../../core/kubernetes/alarm-targets.js';
import type { EvidencePart } from '../../core/evidence/incident-bundle.js';
import type { DiagnosisBaseline, StateCheck } from '../../core/kubernetes/state-checks.js';
import type {
  ActionExecutor,
  ClusterLocation,
  ClusterPort,
  TargetLocation,
} from '../../core/workflow/ports.js';
import type { ActionTarget } from '../../core/remediation/catalog.js';
import type { Clock } from '../../core/ports.js';
import type { KubeAccessFor } from './eks-access-for.js';
import { KubernetesIncidentEvidence } from './incident-evidence.js';
import { KubernetesStateReader } from './state-reader.js';
import { KubernetesTargetLookup } from './target-lookup.js';
import { KubernetesStepExecutor, type KubernetesStepExecutorOptions } from './workflow-executor.js';
import { kubernetesActionExecutors } from './action-executors.js';

/** How the cluster is reached and how long each request may take. */
export interface KubernetesClusterPortOptions {
  readonly accessFor: KubeAccessFor;
  readonly clock: Clock;
  /** Per-request timeout. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Epoch ms by which the incident view must stop reading (the invocation's deadline); undefined: none. */
  readonly deadline?: () => number | undefined;
}

/**
 * The workflow's ClusterPort over @kubernetes/client-node: alarm-target resolution, the `k8s.*`
 * incident view and Verify's state re-read, all through one KubeAccessFor (EKS token on AWS, a
 * kubeconfig locally). None of the three throws for an unreachable or forbidden API server.
 * @example ports.cluster = new KubernetesClusterPort({ accessFor: eksAccessFor({ siteOf: () => ({ eks, region, credentials }) }), clock })
 */
export class KubernetesClusterPort implements ClusterPort {
  private readonly lookup: KubernetesTargetLookup;
  private readonly incident: KubernetesIncidentEvidence;
  private readonly state: KubernetesStateReader;

  constructor(options: KubernetesClusterPortOptions) {
    const timeout = options.requestTimeoutMs ?? 10_000;
    this.lookup = new KubernetesTargetLookup(options.accessFor, timeout);
    this.incident = new KubernetesIncidentEvidence(options.accessFor, {
      clock: options.clock,
      requestTimeoutMs: timeout,
      ...(options.deadline ? { deadline: options.deadline } : {}),
    });
    this.state = new KubernetesStateReader(options.accessFor, timeout);
  }

  resolve(
    dimensions: readonly Readonly<Record<string, string>>[],
    location?: TargetLocation,
  ): Promise<KubernetesTargetResolution> {
    return this.lookup.resolve(dimensions, location);
  }

  read(targets: readonly ClusterLocation[]): Promise<EvidencePart[]> {
    return this.incident.collect(targets);
  }

  verify(target: ClusterLocation, since: Date, baseline: DiagnosisBaseline): Promise<StateCheck[]> {
    return this.state.verify(target, since, baseline);
  }
}

/** What the Kubernetes and AWS action executors need (the catalogue's executors are filled in). */
export type ClusterExecutorOptions = Omit<KubernetesStepExecutorOptions, 'executors'>;

/**
 * The workflow's executors for the catalogue's `kubernetes` and `aws` actions (cordon, drain,
 * delete pod, rollout restart, node replacement, node-group scale), one instance for both.
 * @example ports.executors = clusterActionExecutors({ accessFor, clock, dryRun: config.dryRun, autoScalingIn: () => autoScaling, eksIn: () => eks })
 */
export function clusterActionExecutors(
  options: ClusterExecutorOptions,
): Partial<Record<ActionTarget, ActionExecutor>> {
  const executor = new KubernetesStepExecutor({ executors: kubernetesActionExecutors, ...options });
  return { kubernetes: executor, aws: executor };
}
