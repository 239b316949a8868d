/** Reads an alarm's current state, so verification can check that it left ALARM. */
import { DescribeAlarmsCommand, type CloudWatchClient, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmReading, AlarmStateReader } from '../../core/workflow/ports.js';

/**
 * Period × EvaluationPeriods of a metric alarm: how much new data it needs before it can leave
 * ALARM. Metric-math and Metrics Insights alarms carry their period on the query (`Metrics[]`).
 */
export function evaluationSecondsOf(alarm: MetricAlarm): number | undefined {
  const period = alarm.Period ?? Math.max(0, ...(alarm.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period ?? 0));
  return period > 0 && alarm.EvaluationPeriods ? period * alarm.EvaluationPeriods : undefined;
}

/** AlarmStateReader over CloudWatch DescribeAlarms (metric and composite alarms). */
export class CloudWatchAlarmReader implements AlarmStateReader {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async readAlarm(alarmName: string): Promise<AlarmReading | undefined> {
    const out = await this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    const metric = out.MetricAlarms?.[0];
    if (metric?.StateValue) {
      const evaluationSeconds = evaluationSecondsOf(metric);
      return { state: metric.StateValue, ...(evaluationSeconds ? { evaluationSeconds } : {}) };
    }
    const composite = out.CompositeAlarms?.[0]?.StateValue;
    return composite ? { state: composite } : undefined;
  }
}
