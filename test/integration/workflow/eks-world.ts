/**
 * One EKS scenario's world for the workflow tests: the real steps (harness.ts), the cluster port and
 * Kubernetes executors over the local API server, the nodes' SSM side simulated by EksNodeFleet,
 * approvals granted. Shared by the EKS workflow test files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterActionExecutors,
  KubernetesClusterPort,
} from '../../../lambdas/adapters/kubernetes/cluster-port.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import type { ActionExecutor, WorkflowPorts } from '../../../lambdas/core/workflow/ports.js';
import type { LocalCluster } from '../kubernetes/local-cluster.js';
import { EksNodeFleet } from './eks-node-fleet.js';
import { scenario, type LocalInfra } from './harness.js';

/** The cluster every EKS alarm fixture names (the deployment's only EKS cluster). */
export const CLUSTER = 'shop-prod';
const ALARMS = join(REPO_ROOT, 'test', 'fixtures', 'alarms');

/** An alarm fixture of test/fixtures/alarms, as recorded. */
export function alarm(file: string): Record<string, any> {
  return JSON.parse(readFileSync(join(ALARMS, file), 'utf8'));
}

/** An alarm fixture with other dimensions and, when given, the time it went into ALARM (the incident's window starts there). */
export function alarmWith(
  file: string,
  dimensions: Record<string, string>,
  at?: string,
): Record<string, any> {
  const event = alarm(file);
  event.detail.configuration.metrics[0].metricStat.metric.dimensions = dimensions;
  if (at) {
    event.time = at;
    event.detail.state.timestamp = at;
  }
  return event;
}

/** One EKS scenario's world: the fleet, the cluster port and executors over the local API server, approvals granted (and listed). */
export async function eksScenario(options: {
  readonly infra: LocalInfra;
  readonly cluster: LocalCluster;
  /** Wraps the Kubernetes executor (the test plays a controller the local API server lacks). */
  readonly wrap?: (executor: ActionExecutor) => ActionExecutor;
  /** The executors' back-off sleep; default: none. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ports that replace the world's (a store that fails, a recording publisher). */
  readonly ports?: Partial<WorkflowPorts>;
}) {
  const { infra, cluster } = options;
  const clock = { now: () => new Date() };
  const accessFor = () => cluster.access;
  const fleet = new EksNodeFleet(() => cluster.server);
  const executors = clusterActionExecutors({
    accessFor,
    clock,
    dryRun: false,
    sleep: options.sleep ?? (async () => undefined),
  });
  const kubernetes = options.wrap ? options.wrap(executors.kubernetes!) : executors.kubernetes!;
  const approvals: string[] = [];
  const s = await scenario(infra, {
    config: { eksClusters: [CLUSTER] },
    approvals: {
      waitForDecision: async (r) => {
        approvals.push(r.plan.steps.map((st) => st.action).join(','));
        return { approved: true, approver: 'oncall', at: new Date().toISOString() };
      },
    },
    ports: {
      commands: fleet,
      cluster: new KubernetesClusterPort({ accessFor, clock, requestTimeoutMs: 5000 }),
      executors: { kubernetes, aws: executors.aws! },
      ...options.ports,
    },
  });
  return { s, fleet, approvals };
}

/** A stored evidence bundle, read back by its reference. */
export async function bundleOf(
  s: Awaited<ReturnType<typeof eksScenario>>['s'],
  ref: { uri: string },
): Promise<EvidenceBundle> {
  return s.ports.evidence.get(ref as never);
}
