/**
 * What Intake confirms an alarm event with, read over the SDK (aws-sdk-client-mock: there is no
 * local CloudWatch): when the state last changed, and the changes into ALARM of the alarm's history.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../../lambdas/adapters/cloudwatch/cloudwatch-alarm-reader.js';

const cloudwatch = mockClient(CloudWatchClient);
beforeEach(() => cloudwatch.reset());
const reader = () => new CloudWatchAlarmReader(() => new CloudWatchClient({}));
const stateUpdate = (at: string, from: string, to: string) => ({
  AlarmName: 'paramedic-disk',
  Timestamp: new Date(at),
  HistoryItemType: 'StateUpdate' as const,
  HistoryData: JSON.stringify({
    version: '1.0',
    oldState: { stateValue: from },
    newState: { stateValue: to, stateReason: 'Threshold Crossed' },
  }),
});

describe('CloudWatchAlarmReader: what an alarm event is confirmed with', () => {
  it('reads when the state value changed (StateTransitionedTimestamp), not a later evaluation-state update', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'paramedic-disk',
          StateValue: 'ALARM',
          StateTransitionedTimestamp: new Date('2026-01-01T10:00:00.123Z'),
          StateUpdatedTimestamp: new Date('2026-01-01T10:05:00.000Z'),
        },
      ],
    });

    expect(await reader().readAlarm('paramedic-disk')).toMatchObject({
      state: 'ALARM',
      stateChangedAt: '2026-01-01T10:00:00.123Z',
    });
  });

  it("a composite alarm's change time too", async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [
        {
          AlarmName: 'c',
          StateValue: 'OK',
          StateUpdatedTimestamp: new Date('2026-01-01T10:00:00.000Z'),
        },
      ],
    });

    expect(await reader().readAlarm('c')).toEqual({
      state: 'OK',
      stateChangedAt: '2026-01-01T10:00:00.000Z',
    });
  });

  it('lists the changes into ALARM in the window, of metric and composite alarms, from StateUpdate history', async () => {
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        stateUpdate('2026-01-01T10:00:00.000Z', 'OK', 'ALARM'),
        stateUpdate('2026-01-01T10:00:30.000Z', 'ALARM', 'OK'),
        { ...stateUpdate('2026-01-01T10:00:40.000Z', 'OK', 'ALARM'), HistoryData: 'not json' },
      ],
    });

    const changes = await reader().changesToAlarm('paramedic-disk', {
      from: '2026-01-01T09:59:00.000Z',
      to: '2026-01-01T10:01:00.000Z',
    });

    expect(changes).toEqual(['2026-01-01T10:00:00.000Z']);
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)[0]!.args[0].input).toEqual({
      AlarmName: 'paramedic-disk',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      HistoryItemType: 'StateUpdate',
      StartDate: new Date('2026-01-01T09:59:00.000Z'),
      EndDate: new Date('2026-01-01T10:01:00.000Z'),
      MaxRecords: 100,
      ScanBy: 'TimestampAscending',
    });
  });
});
