import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../../lambdas/adapters/cloudwatch/cloudwatch-alarm-reader.js';

const cloudwatch = mockClient(CloudWatchClient);
beforeEach(() => cloudwatch.reset());

describe('CloudWatchAlarmReader', () => {
  it('a metric alarm: its state and Period × EvaluationPeriods', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'paramedic-disk', StateValue: 'ALARM', Period: 60, EvaluationPeriods: 5 },
      ],
    });

    expect(
      await new CloudWatchAlarmReader(() => new CloudWatchClient({})).readAlarm('paramedic-disk'),
    ).toEqual({ state: 'ALARM', evaluationSeconds: 300 });
  });

  it('a metric-math or Metrics Insights alarm: the period of its queries', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'q',
          StateValue: 'ALARM',
          EvaluationPeriods: 3,
          Metrics: [
            {
              Id: 'q1',
              Expression: 'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)',
              Period: 300,
            },
          ],
        },
      ],
    });

    expect(await new CloudWatchAlarmReader(() => new CloudWatchClient({})).readAlarm('q')).toEqual({
      state: 'ALARM',
      evaluationSeconds: 900,
      unresolved: [
        {
          dimensions: {},
          reason: expect.stringMatching(/^a Metrics Insights query with no WHERE /),
        },
      ],
    });
  });

  it('a composite alarm: its state, no evaluation window (verification keeps it advisory); no alarm: undefined', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'c', StateValue: 'ALARM' }] })
      .resolvesOnce({});
    const reader = new CloudWatchAlarmReader(() => new CloudWatchClient({}));

    expect(await reader.readAlarm('c')).toEqual({ state: 'ALARM' });
    expect(await reader.readAlarm('gone')).toBeUndefined();
  });

  it("what a composite parent targets: a metric alarm's dimensions, its math metrics' and its Metrics Insights WHERE; a composite's rule", async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'm',
            StateValue: 'ALARM',
            Dimensions: [{ Name: 'InstanceId', Value: 'i-0a1b2c3d4e5f60718' }],
          },
        ],
      })
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'q',
            StateValue: 'ALARM',
            Metrics: [
              {
                Id: 'a',
                MetricStat: {
                  Metric: {
                    Namespace: 'CWAgent',
                    MetricName: 'disk_used_percent',
                    Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web' }],
                  },
                  Period: 60,
                  Stat: 'Maximum',
                },
              },
              {
                Id: 'b',
                Expression:
                  'SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE InstanceId = \'i-0a1b2c3d4e5f60719\'',
              },
              { Id: 'c', Expression: 'a * 2' },
            ],
          },
        ],
      })
      .resolvesOnce({
        CompositeAlarms: [{ AlarmName: 'c', StateValue: 'OK', AlarmRule: 'ALARM(m) OR ALARM(q)' }],
      });
    const reader = new CloudWatchAlarmReader(() => new CloudWatchClient({}));

    expect(await reader.readAlarm('m')).toEqual({
      state: 'ALARM',
      dimensions: [{ InstanceId: 'i-0a1b2c3d4e5f60718' }],
    });
    expect(await reader.readAlarm('q')).toEqual({
      state: 'ALARM',
      dimensions: [{ AutoScalingGroupName: 'web' }, { InstanceId: 'i-0a1b2c3d4e5f60719' }],
    });
    expect(await reader.readAlarm('c')).toEqual({ state: 'OK', alarmRule: 'ALARM(m) OR ALARM(q)' });
  });

  it("leaves out a child's ClusterName of another service (an ECS cluster is not an EKS cluster), keeps Container Insights ones; an AWS/EKS control-plane metric of the cluster alone names no node either", async () => {
    const cluster = [{ Name: 'ClusterName', Value: 'shop-prod' }];
    const stat = (Namespace: string) => ({
      Metric: { Namespace, MetricName: 'm', Dimensions: cluster },
      Period: 60,
      Stat: 'Maximum',
    });
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: 'ecs', StateValue: 'ALARM', Namespace: 'AWS/ECS', Dimensions: cluster },
        ],
      })
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'mixed',
            StateValue: 'ALARM',
            Metrics: [
              { Id: 'a', MetricStat: stat('ECS/ContainerInsights') },
              { Id: 'b', MetricStat: stat('ContainerInsights') },
              { Id: 'c', MetricStat: stat('AWS/EKS') },
              {
                Id: 'd',
                Expression:
                  'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/ECS", ClusterName) WHERE ClusterName = \'shop-prod\'',
              },
            ],
          },
        ],
      });
    const reader = new CloudWatchAlarmReader(() => new CloudWatchClient({}));

    // Named no target, with why: the composite parent records it (composite-alarm.ts).
    expect(await reader.readAlarm('ecs')).toEqual({
      state: 'ALARM',
      unresolved: [
        {
          dimensions: { ClusterName: 'shop-prod' },
          reason: expect.stringMatching(
            /^AWS\/ECS names ECS cluster shop-prod, not an EKS cluster/,
          ),
        },
      ],
    });
    expect(await reader.readAlarm('mixed')).toEqual({
      state: 'ALARM',
      dimensions: [{ ClusterName: 'shop-prod' }],
      unresolved: [
        expect.objectContaining({
          reason: expect.stringMatching(/^ECS\/ContainerInsights names ECS cluster/),
        }),
        expect.objectContaining({
          reason: expect.stringMatching(/^AWS\/EKS is the control plane of cluster shop-prod/),
        }),
        expect.objectContaining({ reason: expect.stringMatching(/^AWS\/ECS names ECS cluster/) }),
      ],
    });
  });
});
