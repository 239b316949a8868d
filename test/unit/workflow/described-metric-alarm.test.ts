/**
 * One reading of a DescribeAlarms MetricAlarm (the CloudWatch alarm reader's and coverage's): the
 * dimension sets and unresolved sets it gives are the ones Intake reads from that alarm's event.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import {
  type DescribedMetricAlarm,
  describedAlarmDimensions,
} from '../../../lambdas/core/workflow/described-metric-alarm.js';

const ALARMS = join(REPO_ROOT, 'test', 'fixtures', 'alarms');
type EventMetric = {
  id: string;
  expression?: string;
  metricStat?: { metric: { namespace: string; name: string; dimensions?: Record<string, string> } };
};

/** The MetricAlarm DescribeAlarms gives for the alarm of an event (its metrics as `Metrics[]`). */
function describedOf(event: { detail: { configuration: { metrics: EventMetric[] } } }) {
  return {
    Metrics: event.detail.configuration.metrics.map((m) => ({
      Id: m.id,
      ...(m.expression ? { Expression: m.expression } : {}),
      ...(m.metricStat
        ? {
            MetricStat: {
              Metric: {
                Namespace: m.metricStat.metric.namespace,
                MetricName: m.metricStat.metric.name,
                Dimensions: Object.entries(m.metricStat.metric.dimensions ?? {}).map(
                  ([Name, Value]) => ({ Name, Value }),
                ),
              },
            },
          }
        : {}),
    })),
  } satisfies DescribedMetricAlarm;
}

describe('describedAlarmDimensions', () => {
  const metricEvents = readdirSync(ALARMS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(ALARMS, f), 'utf8'))] as const)
    .filter(([, e]) => e.detail.configuration?.metrics?.length);

  it.each(metricEvents)('%s: the sets its event gives Intake', (_, event) => {
    const { dimensions, unresolved } = normalizeAlarmEvent(event);
    expect(describedAlarmDimensions(describedOf(event))).toEqual({ dimensions, unresolved });
  });

  it('reads the alarm-level metric, and a query FROM an ECS schema as an ECS cluster', () => {
    expect(
      describedAlarmDimensions({
        Namespace: 'AWS/EC2',
        Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }, { Name: 'x' }],
        Metrics: [
          {
            Id: 'q',
            Expression:
              'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/ECS", ClusterName) WHERE ClusterName = \'shop-prod\'',
          },
          { Id: 'e', Expression: 'q * 2' },
        ],
      }),
    ).toEqual({
      dimensions: [{ InstanceId: 'i-0123456789abcdef0' }],
      unresolved: [
        {
          dimensions: { ClusterName: 'shop-prod' },
          reason: expect.stringMatching(
            /^AWS\/ECS names ECS cluster shop-prod, not an EKS cluster/,
          ),
        },
      ],
    });
  });
});
