/**
 * An alarm event handed to Intake is a claim, not a fact: anyone who may call StartExecution (or put
 * a run request on the bus) can write one, and Step Functions does not tell an execution who started
 * it. So before anything is claimed or written, Intake checks the claim as the intake rule would
 * have (it delivers only ALARM transitions of alarms with a configured name prefix: intake-filter.ts)
 * and asks CloudWatch, the alarm's source, whether that alarm went to ALARM at the event's time and
 * watches what the event says it watches (the targets come from the event).
 *
 * Confirmation reads the alarm (DescribeAlarms) first: an alarm still in ALARM since the event's
 * time is confirmed by one call, as almost every delivery is (Intake runs seconds after it). Only
 * an alarm that has changed state since is looked up in its state history (DescribeAlarmHistory),
 * which keeps the change into ALARM after the alarm went back to OK.
 */
import type { NormalizedAlarm } from './alarm-event.js';
import { alarmMatchesIntake, INTAKE_STATES, type IntakeFilter } from './intake-filter.js';
import type { AlarmReading, AlarmStateReader, TargetLocation } from './ports.js';

/**
 * How far apart the event's `state.timestamp` and CloudWatch's record of the same change may be.
 * Both stamp one state change, but the API reference does not promise they are the same instant to
 * the millisecond; a minute is far below any alarm's evaluation period, so it confirms no other change.
 */
export const CONFIRMATION_TOLERANCE_MS = 60_000;

/** Which check refused the alarm event. */
export type AlarmRefusalCheck = 'state' | 'prefix' | 'source';

/** Why an alarm event is not taken: the check, and one line for the trail and the operator. */
export interface AlarmRefusal {
  readonly check: AlarmRefusalCheck;
  readonly reason: string;
}

/** What the source said: confirmed (how), or not confirmed with why; `unconfirmed` when there is no source to ask. */
export type AlarmConfirmation =
  | { readonly status: 'confirmed'; readonly how: string }
  | { readonly status: 'refused'; readonly refusal: AlarmRefusal }
  | { readonly status: 'unconfirmed'; readonly reason: string };

/** Intake refused an alarm event (it recorded a `refused` entry first): not retried, nothing was claimed. */
export class AlarmRefusedError extends Error {
  constructor(
    readonly alarmName: string,
    readonly refusal: AlarmRefusal,
  ) {
    super(refusal.reason);
    this.name = 'AlarmRefusedError';
  }
}

/**
 * The intake rule's own filter, applied to the event: its state must be ALARM and its name must have
 * one of the deployment's prefixes. Undefined when both hold.
 * @example ruleRefusal({ ...alarm, state: 'OK' }, { alarmNamePrefixes: ['paramedic-'] })?.check // 'state'
 */
export function ruleRefusal(
  alarm: Pick<NormalizedAlarm, 'alarmName' | 'state'>,
  filter: IntakeFilter,
): AlarmRefusal | undefined {
  if (!INTAKE_STATES.includes(alarm.state))
    return {
      check: 'state',
      reason: `alarm ${alarm.alarmName} went ${alarm.state}: only a change to ${INTAKE_STATES.join(' or ')} starts a run (the intake rule sends no other); to act anyway, start a manual run`,
    };
  if (!alarmMatchesIntake(alarm.alarmName, filter))
    return {
      check: 'prefix',
      reason: `alarm ${alarm.alarmName} has none of this deployment's alarm name prefixes (${filter.alarmNamePrefixes.join(', ')}): the intake rule would not have sent it; rename the alarm or add its prefix to config alarmNamePrefixes`,
    };
  return undefined;
}

const canonical = (sets: readonly Readonly<Record<string, string>>[]): string =>
  JSON.stringify(
    sets
      .map((d) => JSON.stringify(Object.entries(d).sort(([a], [b]) => a.localeCompare(b))))
      .sort(),
  );

/** Why the event's view of what the alarm watches is not CloudWatch's, or undefined when they agree. */
function definitionMismatch(alarm: NormalizedAlarm, reading: AlarmReading): string | undefined {
  if (alarm.alarmRule !== undefined || reading.alarmRule !== undefined)
    return alarm.alarmRule === reading.alarmRule
      ? undefined
      : "the event's composite rule is not the alarm's rule in CloudWatch";
  return canonical(alarm.dimensions) === canonical(reading.dimensions ?? [])
    ? undefined
    : "the event's dimensions are not the ones the alarm watches in CloudWatch";
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= CONFIRMATION_TOLERANCE_MS;

/**
 * Asks the alarm's source (CloudWatch, in the alarm's account and region) whether the event
 * happened: the alarm exists there, watches what the event says, and changed into ALARM at the
 * event's time (now, or in its history). Without a source (a local run, where there is no
 * CloudWatch) nothing is confirmed and the answer says so: the event file is the operator's own input.
 * A failure of the source is thrown (Intake is retried): it is not a refusal.
 */
export async function confirmAlarm(
  alarm: NormalizedAlarm,
  source: AlarmStateReader | undefined,
  location: TargetLocation | undefined,
): Promise<AlarmConfirmation> {
  if (!source)
    return {
      status: 'unconfirmed',
      reason:
        "no CloudWatch to confirm it with (a local run: the event file is the operator's own input)",
    };
  const where = location ? `${location.account}/${location.region}` : "the deployment's account";
  const refused = (reason: string): AlarmConfirmation => ({
    status: 'refused',
    refusal: {
      check: 'source',
      reason: `alarm ${alarm.alarmName}: ${reason}; not an alarm event CloudWatch sent, so nothing was run (start a manual run to act anyway)`,
    },
  });
  const at = Date.parse(alarm.time);
  if (Number.isNaN(at)) return refused('the event has no state timestamp to confirm');
  const reading = await source.readAlarm(alarm.alarmName, location);
  if (!reading) return refused(`CloudWatch has no such alarm in ${where}`);
  const mismatch = definitionMismatch(alarm, reading);
  if (mismatch) return refused(mismatch);
  const changedAt = reading.stateChangedAt ? Date.parse(reading.stateChangedAt) : Number.NaN;
  if (reading.state === 'ALARM' && near(changedAt, at))
    return { status: 'confirmed', how: `CloudWatch: in ALARM since ${reading.stateChangedAt}` };
  const changes = await source.changesToAlarm(
    alarm.alarmName,
    {
      from: new Date(at - CONFIRMATION_TOLERANCE_MS).toISOString(),
      to: new Date(at + CONFIRMATION_TOLERANCE_MS).toISOString(),
    },
    location,
  );
  const change = changes.find((c) => near(Date.parse(c), at));
  if (change)
    return {
      status: 'confirmed',
      how: `CloudWatch history: changed to ALARM at ${change} (${reading.state} now)`,
    };
  return refused(
    `CloudWatch records no change to ALARM at ${alarm.time} (it is ${reading.state}${reading.stateChangedAt ? ` since ${reading.stateChangedAt}` : ''})`,
  );
}
