/** Reads an alarm's current state, so verification can check that it left ALARM. */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmStateReader } from '../../core/workflow/ports.js';

/** AlarmStateReader over CloudWatch DescribeAlarms (metric and composite alarms). */
export class CloudWatchAlarmReader implements AlarmStateReader {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async stateOf(alarmName: string): Promise<string | undefined> {
    const out = await this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    return out.MetricAlarms?.[0]?.StateValue ?? out.CompositeAlarms?.[0]?.StateValue;
  }
}
