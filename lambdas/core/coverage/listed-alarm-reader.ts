/**
 * The alarms port over a DescribeAlarms listing: coverage hands it to Intake's own composite
 * resolution (composite-alarm.ts), so a composite's children are followed, nested composites
 * included, exactly as Intake follows them through CloudWatch when the composite fires. Pure: the
 * listing is read, nothing is called.
 */
import type { AlarmReading, AlarmStateReader, TargetLocation } from '../workflow/ports.js';
import { parseAlarmArn } from '../workflow/alarm-rule.js';
import { sameLocation } from '../workflow/target-location.js';
import type { AlarmDefinition } from './described-alarm.js';

/** One child read: its name, where, and what the listing said (undefined: not in it). */
export interface ListedRead {
  readonly name: string;
  readonly location?: TargetLocation;
  readonly reading?: AlarmReading;
}

/** A child in another account or region than the listing's alarms: the listing cannot say what it is. */
export class OutsideListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideListingError';
  }
}

/** The account and region of an alarm's ARN, else undefined (a hand-written listing without ARNs). */
export const alarmArnLocation = (arn: string): TargetLocation | undefined =>
  parseAlarmArn(arn)?.location;

/**
 * Reads each alarm from the listing, every one as in ALARM. At alarm time Intake takes the children
 * in ALARM (composite-alarm.ts); which ones will be is not known before the composite fires, and
 * the states in a listing are today's. Read all in ALARM, each child's targets come out, each
 * reached when that child is in ALARM as the composite fires. `reads` keeps every child asked for.
 */
export class ListedAlarmReader implements AlarmStateReader {
  /** Every alarm read, in order, with what the listing said. */
  readonly reads: ListedRead[] = [];

  constructor(private readonly listing: readonly AlarmDefinition[]) {}

  /** @throws OutsideListingError when `location` is an account or region none of the listed alarms is in. */
  async readAlarm(alarmName: string, location?: TargetLocation): Promise<AlarmReading | undefined> {
    const located = this.listing.map((alarm) => ({ alarm, at: alarmArnLocation(alarm.alarmArn) }));
    // An alarm listed without an ARN (a hand-written listing) is where any child is.
    const here = (at: TargetLocation | undefined) => !location || !at || sameLocation(at, location);
    const found = located.find(({ alarm, at }) => alarm.alarmName === alarmName && here(at));
    if (!found && location && !located.some(({ at }) => here(at)))
      throw new OutsideListingError(
        `${location.account}/${location.region} is not the account and region of this listing; Intake reads it there when the composite fires`,
      );
    const alarm = found?.alarm;
    const reading: AlarmReading | undefined = !alarm
      ? undefined
      : alarm.kind === 'composite'
        ? {
            state: 'ALARM',
            ...(alarm.alarmRule !== undefined ? { alarmRule: alarm.alarmRule } : {}),
          }
        : {
            state: 'ALARM',
            ...(alarm.dimensions.length ? { dimensions: alarm.dimensions } : {}),
            ...(alarm.unresolved.length ? { unresolved: alarm.unresolved } : {}),
          };
    this.reads.push({
      name: alarmName,
      ...(location ? { location } : {}),
      ...(reading ? { reading } : {}),
    });
    return reading;
  }

  /** A listing has no state history: nothing to confirm an alarm event with (coverage confirms none). */
  async changesToAlarm(): Promise<readonly string[]> {
    return [];
  }
}
