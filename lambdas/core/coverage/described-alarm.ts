/**
 * CloudWatch alarm definitions, as DescribeAlarms returns them (the SDK and `aws cloudwatch
 * describe-alarms` print the same PascalCase fields), turned into the shape the alarm event gives
 * the workflow (alarm-event.ts): a name, the dimension sets that can name a target and those that
 * cannot (with why), and a composite's rule. A metric alarm's sets are read by the same function
 * as the CloudWatch alarm reader's (described-metric-alarm.ts), so coverage asks the resolver Intake
 * uses what a future alarm would reach.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
import type { NormalizedAlarm } from '../workflow/alarm-event.js';
import {
  describedAlarmDimensions,
  dimensionMap,
  type DescribedMetric,
  type DescribedMetricAlarm,
} from '../workflow/described-metric-alarm.js';

export type { DescribedMetric, DescribedMetricAlarm };

/** A CompositeAlarm of DescribeAlarms. */
export interface DescribedCompositeAlarm {
  readonly AlarmName?: string;
  readonly AlarmArn?: string;
  readonly StateValue?: string;
  readonly AlarmRule?: string;
}

/** The output of DescribeAlarms (one page, or all pages merged). */
export interface DescribeAlarmsOutput {
  readonly MetricAlarms?: readonly DescribedMetricAlarm[];
  readonly CompositeAlarms?: readonly DescribedCompositeAlarm[];
}

/** One metric an alarm watches. */
export interface AlarmMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** An alarm definition in the alarm event's shape, plus what kind of alarm it is and its metrics. */
export interface AlarmDefinition
  extends Pick<
    NormalizedAlarm,
    'alarmName' | 'alarmArn' | 'dimensions' | 'unresolved' | 'alarmRule'
  > {
  readonly kind: 'metric' | 'composite';
  readonly state?: string;
  readonly metrics: readonly AlarmMetric[];
  /** Metric math or Metrics Insights queries without a metric of their own. */
  readonly expressions: readonly string[];
}

/** A DescribeAlarms document that is not one: the message says what was expected. */
export class DescribeAlarmsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DescribeAlarmsFormatError';
  }
}

function metricOf(m: DescribedMetric | undefined): AlarmMetric | undefined {
  if (!m?.Namespace || !m.MetricName) return undefined;
  return { namespace: m.Namespace, name: m.MetricName, dimensions: dimensionMap(m) };
}

/**
 * A MetricAlarm as the alarm event would carry it: the dimension sets of its metric, of each metric
 * of its math and of each Metrics Insights WHERE, and what names no target, with why.
 */
export function metricAlarmDefinition(alarm: DescribedMetricAlarm): AlarmDefinition {
  const single = metricOf(alarm);
  const queried = (alarm.Metrics ?? [])
    .map((q) => metricOf(q.MetricStat?.Metric))
    .filter((m): m is AlarmMetric => m !== undefined);
  return {
    kind: 'metric',
    alarmName: alarm.AlarmName ?? '',
    alarmArn: alarm.AlarmArn ?? '',
    ...(alarm.StateValue ? { state: alarm.StateValue } : {}),
    metrics: single ? [single, ...queried] : queried,
    ...describedAlarmDimensions(alarm),
    expressions: (alarm.Metrics ?? []).flatMap((q) =>
      typeof q.Expression === 'string' ? [q.Expression] : [],
    ),
  };
}

/** A CompositeAlarm: no metric, no dimensions of its own (its rule names the alarms it waits on). */
export function compositeAlarmDefinition(alarm: DescribedCompositeAlarm): AlarmDefinition {
  return {
    kind: 'composite',
    alarmName: alarm.AlarmName ?? '',
    alarmArn: alarm.AlarmArn ?? '',
    ...(alarm.StateValue ? { state: alarm.StateValue } : {}),
    ...(alarm.AlarmRule ? { alarmRule: alarm.AlarmRule } : {}),
    metrics: [],
    dimensions: [],
    unresolved: [],
    expressions: alarm.AlarmRule ? [alarm.AlarmRule] : [],
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every alarm of a DescribeAlarms document (metric alarms first, then composite ones).
 * @throws DescribeAlarmsFormatError when the document has neither MetricAlarms nor CompositeAlarms arrays.
 */
export function alarmDefinitions(output: unknown): AlarmDefinition[] {
  if (
    !isRecord(output) ||
    (!Array.isArray(output.MetricAlarms) && !Array.isArray(output.CompositeAlarms))
  ) {
    throw new DescribeAlarmsFormatError(
      'not a DescribeAlarms output: expected {"MetricAlarms": [...], "CompositeAlarms": [...]} as "aws cloudwatch describe-alarms" prints it',
    );
  }
  const metric = (Array.isArray(output.MetricAlarms) ? output.MetricAlarms : []).filter(
    isRecord,
  ) as DescribedMetricAlarm[];
  const composite = (Array.isArray(output.CompositeAlarms) ? output.CompositeAlarms : []).filter(
    isRecord,
  ) as DescribedCompositeAlarm[];
  return [...metric.map(metricAlarmDefinition), ...composite.map(compositeAlarmDefinition)].filter(
    (a) => a.alarmName !== '',
  );
}
