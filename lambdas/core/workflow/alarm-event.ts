/**
 * CloudWatch "Alarm State Change" events, as EventBridge delivers them, normalized into the
 * few fields the workflow needs (targets.ts reads the targets their dimensions name). Alarm text (names,
 * reasons) is data for people: it is recorded and shown, never placed in a command.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */

import type { UnresolvedDimensions } from './cluster-targets.js';
import { AlarmDimensionSets } from './alarm-dimension-sets.js';
import { isMetricsInsightsQuery } from './metrics-insights-query.js';

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
  /**
   * The dimension maps of the metrics the alarm watches that can name a target (a Metrics Insights
   * query: its WHERE equalities); a map that names another service's cluster is in `unresolved`.
   */
  readonly dimensions: readonly Readonly<Record<string, string>>[];
  /**
   * What named no target, with why (recorded on the `triggered` entry): Metrics Insights queries
   * that pin no dimension (`dimensions` {}), and maps whose ClusterName is another service's cluster
   * (an ECS cluster: metric-namespace.ts).
   */
  readonly unresolved: readonly UnresolvedDimensions[];
  /** A composite alarm's rule (`ALARM("child") OR …`): its targets are its children's. */
  readonly alarmRule?: string;
  /** Set when a composite alarm's actions are suppressed (`Alarm`, `WaitPeriod`, `ExtensionPeriod`): nothing should act on it. */
  readonly actionsSuppressedBy?: string;
}

/** An event that is not an alarm state change the workflow can use. */
export class AlarmEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlarmEventError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** True when the input looks like an EventBridge alarm event (rather than a manual run). */
export function isAlarmEvent(input: unknown): boolean {
  return (
    isRecord(input) &&
    input['detail-type'] === 'CloudWatch Alarm State Change' &&
    isRecord(input.detail)
  );
}

function dimensionsOf(
  detail: Record<string, unknown>,
): Pick<NormalizedAlarm, 'dimensions' | 'unresolved'> {
  const configuration = isRecord(detail.configuration) ? detail.configuration : {};
  const metrics = Array.isArray(configuration.metrics) ? configuration.metrics : [];
  const sets = new AlarmDimensionSets();
  for (const m of metrics) {
    if (isRecord(m) && !isRecord(m.metricStat) && isMetricsInsightsQuery(m.expression)) {
      sets.addQuery(m.expression);
      continue;
    }
    const metric =
      isRecord(m) && isRecord(m.metricStat) && isRecord(m.metricStat.metric)
        ? m.metricStat.metric
        : undefined;
    const dims = metric && isRecord(metric.dimensions) ? metric.dimensions : undefined;
    if (!dims) continue;
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(dims)) if (typeof v === 'string') clean[k] = v;
    sets.addMetric(str(metric?.namespace), clean);
  }
  return { dimensions: sets.dimensions, unresolved: sets.unresolved };
}

/**
 * Normalizes an EventBridge "CloudWatch Alarm State Change" event.
 * @throws AlarmEventError when a required field is missing.
 */
export function normalizeAlarmEvent(event: unknown): NormalizedAlarm {
  if (!isAlarmEvent(event)) {
    throw new AlarmEventError(
      'not a "CloudWatch Alarm State Change" event: expected detail-type and detail (or start a manual run with {"runbookId","target","mode"})',
    );
  }
  const e = event as Record<string, unknown>;
  const detail = e.detail as Record<string, unknown>;
  const state = isRecord(detail.state) ? detail.state : {};
  const previous = isRecord(detail.previousState) ? detail.previousState : {};
  const configuration = isRecord(detail.configuration) ? detail.configuration : {};
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
    ...dimensionsOf(detail),
    ...(str(configuration.alarmRule) ? { alarmRule: str(configuration.alarmRule)! } : {}),
    ...(str(state.actionsSuppressedBy)
      ? { actionsSuppressedBy: str(state.actionsSuppressedBy)! }
      : {}),
  };
}
