/**
 * CloudWatch for tests that run Intake on alarm events, where there is no local CloudWatch: it has
 * on record the alarms a test raised (each event's alarm went to ALARM at the event's time,
 * watching what the event says) and answers everything else as the test's own `alarms` fake does
 * (a child of a composite, Verify's later reading). An event that was not raised is unknown to it,
 * as a forged one is to CloudWatch. The adapter itself is tested over the SDK (cloudwatch-alarm-reader).
 */
import { normalizeAlarmEvent } from '../../lambdas/core/workflow/alarm-event.js';
import type {
  AlarmReading,
  AlarmStateReader,
  TargetLocation,
} from '../../lambdas/core/workflow/ports.js';

interface Raised {
  readonly reading: AlarmReading;
  readonly at: string;
  readonly account: string;
  readonly region: string;
}

/** Alarms raised by a test, on top of an optional scripted reader. */
export class RaisedAlarms implements AlarmStateReader {
  private readonly raised = new Map<string, Raised[]>();
  /** Every name read (DescribeAlarms), in order. */
  readonly reads: string[] = [];

  constructor(private readonly scripted?: AlarmStateReader) {}

  /** Puts the event's change to ALARM on record (what CloudWatch did before it sent the event). */
  raise(event: unknown): this {
    const alarm = normalizeAlarmEvent(event);
    const changes = this.raised.get(alarm.alarmName) ?? [];
    changes.push({
      at: new Date(alarm.time).toISOString(),
      account: alarm.account,
      region: alarm.region,
      reading: {
        state: 'ALARM',
        stateChangedAt: new Date(alarm.time).toISOString(),
        ...(alarm.dimensions.length ? { dimensions: alarm.dimensions } : {}),
        ...(alarm.alarmRule !== undefined ? { alarmRule: alarm.alarmRule } : {}),
      },
    });
    this.raised.set(alarm.alarmName, changes);
    return this;
  }

  private here(name: string, location?: TargetLocation): Raised[] {
    return (this.raised.get(name) ?? []).filter(
      (r) => !location || (r.account === location.account && r.region === location.region),
    );
  }

  async readAlarm(name: string, location?: TargetLocation): Promise<AlarmReading | undefined> {
    this.reads.push(name);
    const last = this.here(name, location).at(-1)?.reading;
    const scripted = await this.scripted?.readAlarm(name, location);
    // The script says how the alarm reads now (Verify); the record keeps what it watches and when it changed.
    return last ? { ...last, ...scripted } : scripted;
  }

  async changesToAlarm(
    name: string,
    window: { readonly from: string; readonly to: string },
    location?: TargetLocation,
  ): Promise<readonly string[]> {
    return this.here(name, location)
      .map((r) => r.at)
      .filter((at) => at >= window.from && at <= window.to);
  }
}
