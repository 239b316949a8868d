/**
 * A MetricAlarm as DescribeAlarms describes it (the SDK and `aws cloudwatch describe-alarms` print
 * the same PascalCase fields), turned into the dimension sets its state-change event would give
 * Intake (alarm-event.ts): its metric's, each metric of its math, each Metrics Insights WHERE. The
 * CloudWatch alarm reader (a composite's children) and `paramedic coverage` both read alarms this
 * way, so what a child names and what coverage predicts are what Intake resolves. Typed
 * structurally: the SDK's `MetricAlarm` fits, and core imports no SDK.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
import type { UnresolvedDimensions } from './cluster-targets.js';
import { AlarmDimensionSets } from './alarm-dimension-sets.js';
import { isMetricsInsightsQuery } from './metrics-insights-query.js';

/** A metric of DescribeAlarms. */
export interface DescribedMetric {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly { readonly Name?: string; readonly Value?: string }[];
}

/** A MetricAlarm of DescribeAlarms (the fields Paramedic reads). */
export interface DescribedMetricAlarm extends DescribedMetric {
  readonly AlarmName?: string;
  readonly AlarmArn?: string;
  readonly StateValue?: string;
  /** Metric math and Metrics Insights alarms: their queries instead of one metric. */
  readonly Metrics?: readonly {
    readonly Id?: string;
    readonly MetricStat?: { readonly Metric?: DescribedMetric };
    readonly Expression?: string;
  }[];
}

/** What a metric alarm names: the dimension sets that can name a target, and the rest with why. */
export interface DescribedAlarmDimensions {
  /** As `NormalizedAlarm.dimensions`: one set per metric with dimensions, one per query's WHERE. */
  readonly dimensions: readonly Readonly<Record<string, string>>[];
  /** As `NormalizedAlarm.unresolved`: queries that pin nothing, and other services' clusters. */
  readonly unresolved: readonly UnresolvedDimensions[];
}

/** A metric's `Dimensions` list as a map (entries without a name or value left out). */
export function dimensionMap(metric: DescribedMetric | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const d of metric?.Dimensions ?? [])
    if (d.Name && typeof d.Value === 'string') map[d.Name] = d.Value;
  return map;
}

/**
 * The dimension sets a metric alarm names, decided as Intake decides them from its event: a set
 * whose ClusterName is another service's cluster (an `AWS/ECS` metric's, or a query FROM
 * `SCHEMA("AWS/ECS", …)`) is unresolved with why (metric-namespace.ts); a Metrics Insights query
 * names its WHERE equalities, or is unresolved with why; a metric without dimensions names nothing.
 * @example describedAlarmDimensions({ Metrics: [{ Id: 'q', Expression: "SELECT MAX(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId = 'i-0123456789abcdef0'" }] }).dimensions // [{ InstanceId: 'i-0123456789abcdef0' }]
 */
export function describedAlarmDimensions(alarm: DescribedMetricAlarm): DescribedAlarmDimensions {
  const sets = new AlarmDimensionSets();
  sets.addMetric(alarm.Namespace, dimensionMap(alarm));
  for (const m of alarm.Metrics ?? []) {
    if (m.MetricStat)
      sets.addMetric(m.MetricStat.Metric?.Namespace, dimensionMap(m.MetricStat.Metric));
    else if (isMetricsInsightsQuery(m.Expression)) sets.addQuery(m.Expression);
    // Anything else is metric math over the ids above.
  }
  return { dimensions: sets.dimensions, unresolved: sets.unresolved };
}
