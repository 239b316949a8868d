/**
 * CloudWatch "Alarm State Change" events, as EventBridge delivers them, normalized into the
 * few fields the workflow needs, and the targets their dimensions name. Alarm text (names,
 * reasons) is data for people: it is recorded and shown, never placed in a command.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
import type { Platform } from '../evidence/bundle.js';

/** An alarm state change, reduced to what the workflow uses. */
export interface NormalizedAlarm {
  /** EventBridge event id: identical on an at-least-once redelivery. */
  readonly eventId: string;
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly state: string;
  readonly previousState?: string;
  readonly reason: string;
  readonly time: string;
  readonly account: string;
  readonly region: string;
  /** The dimension maps of every metric the alarm watches. */
  readonly dimensions: readonly Readonly<Record<string, string>>[];
}

/** Where an alarm points, before Auto Scaling groups are expanded into instances. */
export type TargetSpec =
  | { readonly kind: 'instance'; readonly instanceId: string; readonly platform: Platform }
  | { readonly kind: 'auto-scaling-group'; readonly name: string; readonly platform: Platform }
  | { readonly kind: 'eks-node'; readonly cluster: string; readonly node: string; readonly instanceId?: string };

/** An event that is not an alarm state change the workflow can use. */
export class AlarmEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlarmEventError';
  }
}

/** Patterns a dimension value must match to become a target (anything else is ignored). */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;
/** Kubernetes node names (RFC 1123 subdomain). */
export const NODE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** EKS cluster names. */
export const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** Auto Scaling group names as we accept them (API data only, never a shell). */
export const ASG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@+=/-]{0,254}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** True when the input looks like an EventBridge alarm event (rather than a manual run). */
export function isAlarmEvent(input: unknown): boolean {
  return isRecord(input) && input['detail-type'] === 'CloudWatch Alarm State Change' && isRecord(input.detail);
}

function dimensionsOf(detail: Record<string, unknown>): Record<string, string>[] {
  const configuration = isRecord(detail.configuration) ? detail.configuration : {};
  const metrics = Array.isArray(configuration.metrics) ? configuration.metrics : [];
  const out: Record<string, string>[] = [];
  for (const m of metrics) {
    const metric = isRecord(m) && isRecord(m.metricStat) && isRecord(m.metricStat.metric) ? m.metricStat.metric : undefined;
    const dims = metric && isRecord(metric.dimensions) ? metric.dimensions : undefined;
    if (!dims) continue;
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(dims)) if (typeof v === 'string') clean[k] = v;
    if (Object.keys(clean).length > 0) out.push(clean);
  }
  return out;
}

/**
 * Normalizes an EventBridge "CloudWatch Alarm State Change" event.
 * @throws AlarmEventError when a required field is missing.
 */
export function normalizeAlarmEvent(event: unknown): NormalizedAlarm {
  if (!isAlarmEvent(event)) {
    throw new AlarmEventError('not a "CloudWatch Alarm State Change" event: expected detail-type and detail (or start a manual run with {"runbookId","target","mode"})');
  }
  const e = event as Record<string, unknown>;
  const detail = e.detail as Record<string, unknown>;
  const state = isRecord(detail.state) ? detail.state : {};
  const previous = isRecord(detail.previousState) ? detail.previousState : {};
  const alarmName = str(detail.alarmName);
  if (!alarmName) throw new AlarmEventError('alarm event without detail.alarmName');
  const resources = Array.isArray(e.resources) ? e.resources : [];
  return {
    eventId: str(e.id) ?? '',
    alarmName,
    alarmArn: str(resources[0]) ?? '',
    state: str(state.value) ?? 'UNKNOWN',
    previousState: str(previous.value),
    reason: str(state.reason) ?? '',
    time: str(state.timestamp) ?? str(e.time) ?? '',
    account: str(e.account) ?? '',
    region: str(e.region) ?? '',
    dimensions: dimensionsOf(detail),
  };
}

/**
 * The targets an alarm's dimensions name: InstanceId, AutoScalingGroupName, or ClusterName with
 * NodeName (Container Insights). Values that do not match the strict patterns are dropped.
 * @example resolveAlarmTargets([{ InstanceId: 'i-0abc12345678' }]) // [{ kind: 'instance', ... }]
 */
export function resolveAlarmTargets(dimensions: readonly Readonly<Record<string, string>>[], eksClusters: readonly string[] = []): TargetSpec[] {
  const out: TargetSpec[] = [];
  const seen = new Set<string>();
  const add = (key: string, spec: TargetSpec): void => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(spec);
  };
  for (const d of dimensions) {
    const cluster = d.ClusterName;
    const node = d.NodeName;
    const instanceId = d.InstanceId && INSTANCE_ID_PATTERN.test(d.InstanceId) ? d.InstanceId : undefined;
    if (cluster && node && CLUSTER_NAME_PATTERN.test(cluster) && NODE_NAME_PATTERN.test(node)) {
      add(`node:${cluster}/${node}`, { kind: 'eks-node', cluster, node, ...(instanceId ? { instanceId } : {}) });
      continue;
    }
    const platform: Platform = cluster && eksClusters.includes(cluster) ? 'eks' : 'docker';
    if (instanceId) add(`i:${instanceId}`, { kind: 'instance', instanceId, platform });
    const asg = d.AutoScalingGroupName;
    if (asg && ASG_NAME_PATTERN.test(asg)) add(`asg:${asg}`, { kind: 'auto-scaling-group', name: asg, platform });
  }
  return out;
}
