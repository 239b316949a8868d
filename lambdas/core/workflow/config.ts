/** The workflow's settings: a deployment's (CDK config, `PARAMEDIC_CONFIG`) or a local run's. */
import { DOCUMENT_PREFIX } from '../collection/document-names.js';
import { DEFAULT_ALARM_NAME_PREFIXES } from './intake-filter.js';
import { lockTtlFor } from './lock-lease.js';

/** Settings of a deployment (CDK config) or of a local run. */
export interface WorkflowConfig {
  /** Never change anything; plans are recorded as dry runs. @default false */
  readonly dryRun: boolean;
  /** When false, even automatic runbooks wait for an approval on alarm runs. @default true */
  readonly automaticRemediation: boolean;
  /**
   * The deployment's alarm name prefixes (config `alarmNamePrefixes`): Intake refuses an alarm event
   * whose alarm has none, as the intake rule would never have delivered it. @default ['paramedic-']
   */
  readonly alarmNamePrefixes: readonly string[];
  /** Clusters whose nodes are EKS targets (an InstanceId with one of these ClusterName is an EKS node). */
  readonly eksClusters: readonly string[];
  /** Prefix of the project's SSM documents. @default 'Paramedic-' */
  readonly documentPrefix: string;
  /** Budget of one collection run, seconds. @default 120 */
  readonly collectTimeoutSeconds: number;
  /** Lock expiry, so a crashed execution cannot hold a host forever. @default approvalTimeoutSeconds + 3600 (lock-lease.ts) */
  readonly lockTtlSeconds: number;
  /** Attempts (one per LockBusyWait) before giving up on a busy target. @default 10 */
  readonly lockMaxAttempts: number;
  /** How long an alarm stays claimed after its first delivery (redeliveries, flapping). @default 900 */
  readonly dedupeWindowSeconds: number;
  /** How long an approval request waits before the workflow times it out. @default 3600 */
  readonly approvalTimeoutSeconds: number;
  /** Most targets an alarm may expand to (an Auto Scaling group). @default 1000 */
  readonly maxTargetsPerExecution: number;
  /** The deployment's name, stamped on status events when deployments share a bus. @default none */
  readonly deploymentName?: string;
  /**
   * Log files every collection on a platform reads, by collector parameter (`daemonLog`,
   * `kubeletLog`, …), where a fleet keeps a daemon's log outside the journal and the usual files.
   * @default none: the collectors look in the journal and the usual files
   */
  readonly collectorLogs?: CollectorLogPaths;
}

/** Collector log parameters (`daemonLog`: `/var/log/custom/dockerd.log`) per platform. */
export type CollectorLogPaths = Readonly<
  Partial<Record<'docker' | 'eks', Readonly<Record<string, string>>>>
>;

/** The defaults of {@link WorkflowConfig}. */
export const DEFAULT_WORKFLOW_CONFIG: WorkflowConfig = {
  dryRun: false,
  automaticRemediation: true,
  alarmNamePrefixes: DEFAULT_ALARM_NAME_PREFIXES,
  eksClusters: [],
  documentPrefix: DOCUMENT_PREFIX,
  collectTimeoutSeconds: 120,
  lockTtlSeconds: lockTtlFor(3600),
  lockMaxAttempts: 10,
  dedupeWindowSeconds: 900,
  approvalTimeoutSeconds: 3600,
  maxTargetsPerExecution: 1000,
};

/** The defaults overlaid with what a deployment or a run sets. */
export function resolveWorkflowConfig(overrides: Partial<WorkflowConfig> = {}): WorkflowConfig {
  // Unless set, the lock outlasts the approval wait (lock-lease.ts), whatever the approval timeout.
  const approvalTimeoutSeconds =
    overrides.approvalTimeoutSeconds ?? DEFAULT_WORKFLOW_CONFIG.approvalTimeoutSeconds;
  return {
    ...DEFAULT_WORKFLOW_CONFIG,
    lockTtlSeconds: lockTtlFor(approvalTimeoutSeconds),
    ...overrides,
  };
}
