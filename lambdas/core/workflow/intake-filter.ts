/**
 * Which CloudWatch alarms start the workflow: the one description of the intake filter. CDK turns
 * it into the EventBridge rule's pattern (cdk/constructs/alarm-intake.ts) and `paramedic coverage`
 * asks it which of an account's alarms would start a run, so the two cannot disagree.
 */

/** The EventBridge source and detail type of CloudWatch alarm state changes. */
export const ALARM_STATE_CHANGE = {
  source: 'aws.cloudwatch',
  detailType: 'CloudWatch Alarm State Change',
} as const;

/** The alarm states whose transitions start a run (only entering ALARM). */
export const INTAKE_STATES: readonly string[] = ['ALARM'];

/** The default alarm name prefixes (config `alarmNamePrefixes`). */
export const DEFAULT_ALARM_NAME_PREFIXES: readonly string[] = ['paramedic-'];

/** What the intake rule filters on, besides the source, the detail type and the ALARM state. */
export interface IntakeFilter {
  /** An alarm starts the workflow when its name starts with one of these (EventBridge `prefix` matching: case-sensitive). */
  readonly alarmNamePrefixes: readonly string[];
}

/**
 * True when an alarm of this name starts the workflow on entering ALARM.
 * @example alarmMatchesIntake('paramedic-disk-i-0abc', { alarmNamePrefixes: ['paramedic-'] }) // true
 */
export function alarmMatchesIntake(alarmName: string, filter: IntakeFilter): boolean {
  return filter.alarmNamePrefixes.some((prefix) => alarmName.startsWith(prefix));
}
