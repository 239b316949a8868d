/** Reads an alarm's current state (verification: did it leave ALARM?), what it watches (a composite's children) and its changes into ALARM (Intake's confirmation). */
import {
  DescribeAlarmHistoryCommand,
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

/** When an alarm's state value last changed: StateTransitionedTimestamp (StateUpdatedTimestamp also moves when only its evaluation state does). */
function stateChangedAt(alarm: {
  StateTransitionedTimestamp?: Date | undefined;
  StateUpdatedTimestamp?: Date | undefined;
}): { stateChangedAt?: string } {
  const at = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
  return at ? { stateChangedAt: at.toISOString() } : {};
}

/** The new state of a StateUpdate history item (its HistoryData JSON: `{"oldState":…,"newState":{"stateValue":"ALARM",…}}`). */
function newStateOf(historyData: string | undefined): string | undefined {
  try {
    const data = JSON.parse(historyData ?? '') as { newState?: { stateValue?: unknown } };
    return typeof data?.newState?.stateValue === 'string' ? data.newState.stateValue : undefined;
  } catch {
    return undefined;
  }
}

/** AlarmStateReader over CloudWatch DescribeAlarms and DescribeAlarmHistory (metric and composite alarms), in the alarm's account and region when it has one. */
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
        ...stateChangedAt(metric),
        ...(evaluationSeconds ? { evaluationSeconds } : {}),
        ...(dimensions.length ? { dimensions } : {}),
        ...(unresolved.length ? { unresolved } : {}),
      };
    }
    const composite = out.CompositeAlarms?.[0];
    return composite?.StateValue
      ? {
          state: composite.StateValue,
          ...stateChangedAt(composite),
          ...(composite.AlarmRule ? { alarmRule: composite.AlarmRule } : {}),
        }
      : undefined;
  }

  async changesToAlarm(
    alarmName: string,
    window: { readonly from: string; readonly to: string },
    location?: TargetLocation,
  ): Promise<readonly string[]> {
    // One page: a window of minutes holds a few changes (an alarm evaluates at most every 10 s), far below 100.
    const out = await this.cloudwatchFor(location).send(
      new DescribeAlarmHistoryCommand({
        AlarmName: alarmName,
        // Without AlarmTypes only metric alarms' history is returned.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        StartDate: new Date(window.from),
        EndDate: new Date(window.to),
        MaxRecords: 100,
        ScanBy: 'TimestampAscending',
      }),
    );
    return (out.AlarmHistoryItems ?? [])
      .filter((item) => item.Timestamp && newStateOf(item.HistoryData) === 'ALARM')
      .map((item) => item.Timestamp!.toISOString());
  }
}
