/** Reads an alarm's current state (verification: did it leave ALARM?) and what it watches (a composite's children). */
import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type Dimension,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { namesNonEksCluster } from '../../core/workflow/metric-namespace.js';
import {
  isMetricsInsightsQuery,
  queryDimensions,
} from '../../core/workflow/metrics-insights-query.js';
import type { AlarmReading, AlarmStateReader, TargetLocation } from '../../core/workflow/ports.js';

/**
 * Period × EvaluationPeriods of a metric alarm: how much new data it needs before it can leave
 * ALARM. Metric-math and Metrics Insights alarms carry their period on the query (`Metrics[]`).
 */
export function evaluationSecondsOf(alarm: MetricAlarm): number | undefined {
  const period =
    alarm.Period ??
    Math.max(0, ...(alarm.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period ?? 0));
  return period > 0 && alarm.EvaluationPeriods ? period * alarm.EvaluationPeriods : undefined;
}

const asMap = (dims: readonly Dimension[] | undefined): Record<string, string> =>
  Object.fromEntries(
    (dims ?? []).filter((d) => d.Name && d.Value !== undefined).map((d) => [d.Name!, d.Value!]),
  );

/**
 * The dimension sets a metric alarm watches: its metric, each metric of its math, each Metrics
 * Insights WHERE. A set whose ClusterName is another service's cluster (an `AWS/ECS` metric's) is
 * left out, as the alarm event leaves it out of its targets (metric-namespace.ts): the sets leave
 * here without their namespace, and the composite parent would read a configured name as its EKS
 * cluster. A query's namespace is its FROM's, as in the event.
 */
export function dimensionsOf(alarm: MetricAlarm): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  const add = (namespace: string | undefined, dims: readonly Dimension[] | undefined) => {
    const d = asMap(dims);
    if (!namesNonEksCluster(namespace, d)) sets.push(d);
  };
  add(alarm.Namespace, alarm.Dimensions);
  for (const m of alarm.Metrics ?? []) {
    if (m.MetricStat?.Metric) add(m.MetricStat.Metric.Namespace, m.MetricStat.Metric.Dimensions);
    else if (isMetricsInsightsQuery(m.Expression)) {
      const pinned = queryDimensions(m.Expression);
      if ('dimensions' in pinned && !namesNonEksCluster(pinned.namespace, pinned.dimensions))
        sets.push({ ...pinned.dimensions });
    }
  }
  return sets.filter((d) => Object.keys(d).length > 0);
}

/** AlarmStateReader over CloudWatch DescribeAlarms (metric and composite alarms), in the alarm's account and region when it has one. */
export class CloudWatchAlarmReader implements AlarmStateReader {
  /** `cloudwatchFor` gives the client of a location (the hub's own when absent; the spoke role's in a spoke). */
  constructor(
    private readonly cloudwatchFor: (location?: TargetLocation) => Pick<CloudWatchClient, 'send'>,
  ) {}

  async readAlarm(alarmName: string, location?: TargetLocation): Promise<AlarmReading | undefined> {
    const out = await this.cloudwatchFor(location).send(
      new DescribeAlarmsCommand({
        AlarmNames: [alarmName],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    );
    const metric = out.MetricAlarms?.[0];
    if (metric?.StateValue) {
      const evaluationSeconds = evaluationSecondsOf(metric);
      const dimensions = dimensionsOf(metric);
      return {
        state: metric.StateValue,
        ...(evaluationSeconds ? { evaluationSeconds } : {}),
        ...(dimensions.length ? { dimensions } : {}),
      };
    }
    const composite = out.CompositeAlarms?.[0];
    return composite?.StateValue
      ? {
          state: composite.StateValue,
          ...(composite.AlarmRule ? { alarmRule: composite.AlarmRule } : {}),
        }
      : undefined;
  }
}
