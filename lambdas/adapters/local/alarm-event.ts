/** The parts of a CloudWatch "Alarm State Change" EventBridge event the pipeline reads. */
export interface AlarmSummary {
  readonly eventId: string;
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly account?: string;
  readonly region?: string;
  readonly time: string;
  readonly state: string;
  readonly previousState?: string;
  readonly reason: string;
  readonly description?: string;
  readonly namespace?: string;
  readonly metric?: string;
  /** Every dimension of every metric of the alarm, merged. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The event is not a CloudWatch alarm state change. */
export class AlarmEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlarmEventError';
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Reads a CloudWatch "Alarm State Change" event (as EventBridge delivers it).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 * @throws AlarmEventError naming the missing field.
 */
export function parseAlarmEvent(doc: unknown): AlarmSummary {
  const event = obj(doc);
  if (!event) throw new AlarmEventError('alarm event must be a JSON object (an EventBridge "CloudWatch Alarm State Change" event)');
  if (event['detail-type'] !== 'CloudWatch Alarm State Change' || event.source !== 'aws.cloudwatch') {
    throw new AlarmEventError(`not a CloudWatch alarm event: detail-type=${JSON.stringify(event['detail-type'])}, source=${JSON.stringify(event.source)}; expected "CloudWatch Alarm State Change" from "aws.cloudwatch"`);
  }
  const detail = obj(event.detail);
  const alarmName = str(detail?.alarmName);
  const state = obj(detail?.state);
  if (!detail || !alarmName || !state || !str(state.value)) throw new AlarmEventError('alarm event lacks detail.alarmName or detail.state.value');
  const dimensions: Record<string, string> = {};
  let namespace: string | undefined;
  let metric: string | undefined;
  const metrics = obj(detail.configuration)?.metrics;
  for (const m of Array.isArray(metrics) ? metrics : []) {
    const stat = obj(obj(m)?.metricStat);
    const metricDef = obj(stat?.metric);
    namespace ??= str(metricDef?.namespace);
    metric ??= str(metricDef?.name);
    for (const [k, v] of Object.entries(obj(metricDef?.dimensions) ?? {})) if (typeof v === 'string') dimensions[k] = v;
  }
  const resources = Array.isArray(event.resources) ? event.resources.filter((r): r is string => typeof r === 'string') : [];
  return {
    eventId: str(event.id) ?? `${alarmName}@${str(state.timestamp) ?? str(event.time) ?? ''}`,
    alarmName, alarmArn: resources[0], account: str(event.account), region: str(event.region),
    time: str(event.time) ?? str(state.timestamp) ?? new Date(0).toISOString(),
    state: str(state.value)!, previousState: str(obj(detail.previousState)?.value), reason: str(state.reason) ?? '',
    description: str(obj(detail.configuration)?.description), namespace, metric, dimensions,
  };
}

/** The incident target an alarm names: instance, node (with cluster), or auto-scaling group. */
export function alarmTarget(alarm: AlarmSummary): { label: string; platform: 'docker' | 'eks'; instanceId?: string; cluster?: string; node?: string } {
  const d = alarm.dimensions;
  if (d.NodeName || d.ClusterName) return { label: d.NodeName ?? d.ClusterName!, platform: 'eks', cluster: d.ClusterName, node: d.NodeName, instanceId: d.InstanceId };
  if (d.InstanceId) return { label: d.InstanceId, platform: 'docker', instanceId: d.InstanceId };
  if (d.AutoScalingGroupName) return { label: `asg/${d.AutoScalingGroupName}`, platform: 'docker' };
  return { label: 'local', platform: 'docker' };
}
