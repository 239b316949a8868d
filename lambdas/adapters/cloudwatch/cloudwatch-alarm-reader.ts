/** Reads an alarm's current state (verification: did it leave ALARM?) and what it watches (a composite's children). */
import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { describedAlarmDimensions } from '../../core/workflow/described-metric-alarm.js';
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
      // What a composite parent targets: the sets the child's own event would name. The rest (another
      // service's cluster, a query pinning nothing) are left out: the reading carries no namespace,
      // so the parent would read an ECS cluster's name as the configured EKS cluster's.
      const { dimensions, unresolved } = describedAlarmDimensions(metric);
      return {
        state: metric.StateValue,
        ...(evaluationSeconds ? { evaluationSeconds } : {}),
        ...(dimensions.length ? { dimensions } : {}),
        ...(unresolved.length ? { unresolved } : {}),
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
