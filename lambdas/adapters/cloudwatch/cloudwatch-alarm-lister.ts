/** Reads every alarm definition of an account and region (metric and composite), page by page. */
import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type { DescribeAlarmsOutput } from '../../core/coverage/described-alarm.js';

/** DescribeAlarms returns at most 100 alarms a page. */
const PAGE_SIZE = 100;
/** A bound on pages, so a service that keeps returning a NextToken cannot loop for ever (100,000 alarms). */
const MAX_PAGES = 1000;

/**
 * All pages of DescribeAlarms merged into one output (what `aws cloudwatch describe-alarms` prints).
 * Every alarm is read, not only the intake's prefixes, so the report can say how many it left out.
 */
export async function describeAllAlarms(
  cloudwatch: CloudWatchClient,
): Promise<DescribeAlarmsOutput> {
  const metric: MetricAlarm[] = [];
  const composite: CompositeAlarm[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    metric.push(...(out.MetricAlarms ?? []));
    composite.push(...(out.CompositeAlarms ?? []));
    nextToken = out.NextToken;
    if (!nextToken) return { MetricAlarms: metric, CompositeAlarms: composite };
  }
  throw new Error(
    `DescribeAlarms still returned a NextToken after ${MAX_PAGES} pages; narrow the alarms with an alarm name prefix`,
  );
}
