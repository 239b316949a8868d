/**
 * Composite alarms watch other alarms, not metrics: their state-change event carries no dimension,
 * only the rule (`ALARM("disk-high") AND NOT OK(arn:aws:cloudwatch:…:alarm:cpu-high)`). Their
 * targets are those of the children the rule waits on in ALARM, read through the alarms port
 * (a child may be composite too: bounded depth and count), in the composite's own account and
 * region: a rule names the alarms "that you have created" there, so the same names elsewhere (the
 * hub's, another spoke's) are other alarms. The rule is alarm text, so it is read in one pass with
 * no regular expression.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
import type { AlarmStateReader, TargetLocation } from './ports.js';

/** Children read per composite alarm at most (all levels together). */
export const MAX_CHILD_ALARMS = 20;
/** Composite alarms nested inside each other that are followed at most. */
export const MAX_COMPOSITE_DEPTH = 3;
/** Longest rule read (CloudWatch's limit on AlarmRule). */
export const MAX_ALARM_RULE_CHARS = 10_240;

type Dimensions = Readonly<Record<string, string>>;

/** An alarm's name from a rule argument: a name, or an alarm ARN (`…:alarm:<name>`). */
function alarmNameOf(argument: string): string {
  const marker = ':alarm:';
  const at = argument.startsWith('arn:') ? argument.indexOf(marker) : -1;
  return at >= 0 ? argument.slice(at + marker.length) : argument;
}

/**
 * The alarms a rule waits on in ALARM (the arguments of its `ALARM(…)` functions), in order,
 * de-duplicated; `OK(…)` and `INSUFFICIENT_DATA(…)` name alarms that are not the incident.
 * @example alarmsInRule('ALARM("disk-high") OR ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high)') // ['disk-high', 'cpu-high']
 */
export function alarmsInRule(rule: string): string[] {
  const names = new Set<string>();
  const text = rule.slice(0, MAX_ALARM_RULE_CHARS);
  const fn = 'ALARM(';
  let from = 0;
  for (;;) {
    const at = text.indexOf(fn, from);
    if (at < 0) break;
    from = at + fn.length;
    // `INSUFFICIENT_DATA(` does not end in ALARM(, but a name like `MY_ALARM(` would: only a word boundary starts a function.
    const before = at > 0 ? text[at - 1]! : ' ';
    if (/[A-Za-z0-9_]/.test(before)) continue;
    let i = from;
    while (text[i] === ' ') i++;
    let argument: string;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) break;
      argument = text.slice(i + 1, end);
      from = end + 1;
    } else {
      const end = text.indexOf(')', i);
      if (end < 0) break;
      argument = text.slice(i, end).trim();
      from = end + 1;
    }
    if (argument) names.add(alarmNameOf(argument));
  }
  return [...names];
}

/** The children's dimension sets, and the children (or the whole rule) that named none, with why. */
export interface CompositeResolution {
  readonly dimensions: readonly Dimensions[];
  readonly unresolved: readonly { readonly dimensions: Dimensions; readonly reason: string }[];
}

/**
 * Reads the children a composite alarm's rule waits on and returns their dimension sets (children
 * in ALARM first: those are the incident; all of them when none is, e.g. read after a change).
 * `location` is where the composite alarm is (a spoke's forwarded alarm; absent: the deployment's
 * own): its children are read there. Without an alarms port (a machine without CloudWatch) the
 * rule is recorded as unresolved.
 * @example await compositeDimensions('ALARM(disk-high)', alarms) // { dimensions: [{ InstanceId: 'i-0…' }], unresolved: [] }
 */
export async function compositeDimensions(
  rule: string,
  alarms: AlarmStateReader | undefined,
  location?: TargetLocation,
): Promise<CompositeResolution> {
  const unresolved: { dimensions: Dimensions; reason: string }[] = [];
  if (!alarms)
    return {
      dimensions: [],
      unresolved: [
        {
          dimensions: {},
          reason: `composite alarm (${rule.slice(0, 200)}): its child alarms cannot be read here (no CloudWatch access); name the target by hand (paramedic run --target)`,
        },
      ],
    };
  const dimensions: Dimensions[] = [];
  const seen = new Set<string>();
  let pending = alarmsInRule(rule).map((name) => ({ name, depth: 1 }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    const readings = [];
    for (const child of pending) {
      if (seen.has(child.name)) continue;
      if (seen.size >= MAX_CHILD_ALARMS) {
        unresolved.push({
          dimensions: {},
          reason: `composite alarm: more than ${MAX_CHILD_ALARMS} child alarms; ${child.name} and the rest were not read`,
        });
        break;
      }
      seen.add(child.name);
      readings.push({ child, reading: await alarms.readAlarm(child.name, location) });
    }
    const inAlarm = readings.filter((r) => r.reading?.state === 'ALARM');
    for (const { child, reading } of inAlarm.length > 0 ? inAlarm : readings) {
      if (!reading) {
        unresolved.push({
          dimensions: {},
          reason: `composite alarm: child alarm ${child.name} does not exist`,
        });
        continue;
      }
      if (reading.alarmRule !== undefined) {
        if (child.depth >= MAX_COMPOSITE_DEPTH)
          unresolved.push({
            dimensions: {},
            reason: `composite alarm: ${child.name} nests composites deeper than ${MAX_COMPOSITE_DEPTH} levels; not followed`,
          });
        else
          next.push(
            ...alarmsInRule(reading.alarmRule).map((name) => ({ name, depth: child.depth + 1 })),
          );
        continue;
      }
      if (!reading.dimensions?.length) {
        unresolved.push({
          dimensions: {},
          reason: `composite alarm: child alarm ${child.name} watches no dimension that names a target`,
        });
        continue;
      }
      dimensions.push(...reading.dimensions);
    }
    pending = next;
  }
  return { dimensions, unresolved };
}
