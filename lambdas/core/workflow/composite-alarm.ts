/**
 * Composite alarms watch other alarms, not metrics: their state-change event carries no dimension,
 * only the rule (`ALARM("disk-high") AND NOT OK(arn:aws:cloudwatch:…:alarm:cpu-high)`). Their
 * targets are those of the children the rule waits on in ALARM, read through the alarms port
 * (a child may be composite too: bounded depth and count). A child named by ARN is read in the
 * ARN's account and region (a spoke's: through the spoke role), and its targets are there; a child
 * named by name is read where the composite that names it is: a rule names the alarms "that you
 * have created" there, so the same names elsewhere (the hub's, another spoke's) are other alarms.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
import { parseAlarmRule } from './alarm-rule.js';
import type { AlarmStateReader, ErrorWording, TargetLocation } from './ports.js';
import { sameLocation } from './target-location.js';

/** Children read per composite alarm at most (all levels together). */
export const MAX_CHILD_ALARMS = 20;
/** Composite alarms nested inside each other that are followed at most. */
export const MAX_COMPOSITE_DEPTH = 3;

type Dimensions = Readonly<Record<string, string>>;

/** An alarm a rule waits on in ALARM, and where it is (absent: the deployment's own account and region). */
export interface ChildAlarm {
  readonly name: string;
  readonly location?: TargetLocation;
}

/**
 * The alarms a rule waits on in ALARM (the arguments of its `ALARM(…)` and `NOT OK(…)` functions,
 * and AT_LEAST's that count ALARM), in order, de-duplicated, each where it is: its ARN's account and
 * region, else `location` (the composite's). `OK(…)`, `INSUFFICIENT_DATA(…)` and `NOT ALARM(…)`
 * (a suppressor) name alarms that are not the incident.
 * @example alarmsInRule('ALARM("disk-high") OR ALARM(arn:aws:cloudwatch:us-east-2:222222222222:alarm:cpu-high)') // { children: [{ name: 'disk-high' }, { name: 'cpu-high', location: { account: '222222222222', region: 'us-east-2' } }] }
 */
export function alarmsInRule(
  rule: string,
  location?: TargetLocation,
): { readonly children: readonly ChildAlarm[] } | { readonly error: string } {
  const parsed = parseAlarmRule(rule);
  if ('error' in parsed) return parsed;
  const children = new Map<string, ChildAlarm>();
  for (const alarm of parsed.alarms) {
    if (alarm.state !== 'ALARM') continue;
    const where = alarm.location ?? location;
    const key = `${where?.account ?? ''}/${where?.region ?? ''}/${alarm.name}`;
    if (!children.has(key))
      children.set(key, { name: alarm.name, ...(where ? { location: where } : {}) });
  }
  return { children: [...children.values()] };
}

/** An alarm for messages: its name, with its account and region when it has them. */
const labelOf = (child: ChildAlarm): string =>
  child.location
    ? `${child.name} (${child.location.account}/${child.location.region})`
    : child.name;

/** One child's dimension set, and where its targets are (the child's account and region). */
export interface ChildDimensions {
  readonly dimensions: Dimensions;
  readonly location?: TargetLocation;
}

/** Dimension sets grouped by where they are (first-seen order), so each group resolves in its own account and region. */
export function dimensionsByLocation(
  sets: readonly ChildDimensions[],
): { readonly location?: TargetLocation; readonly dimensions: readonly Dimensions[] }[] {
  const groups = new Map<string, { location?: TargetLocation; dimensions: Dimensions[] }>();
  for (const { dimensions, location } of sets) {
    const key = `${location?.account ?? ''}/${location?.region ?? ''}`;
    const group = groups.get(key) ?? { ...(location ? { location } : {}), dimensions: [] };
    group.dimensions.push(dimensions);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The children's dimension sets, and the children (or the whole rule) that named none, with why. */
export interface CompositeResolution {
  readonly dimensions: readonly ChildDimensions[];
  readonly unresolved: readonly { readonly dimensions: Dimensions; readonly reason: string }[];
}

/**
 * Reads the children a composite alarm's rule waits on and returns their dimension sets (children
 * in ALARM first: those are the incident; all of them when none is, e.g. read after a change).
 * `location` is where the composite alarm is (a spoke's forwarded alarm; absent: the deployment's
 * own): children named by name are read there, children named by ARN in the ARN's account and
 * region. Without an alarms port (a machine without CloudWatch), or with a rule that cannot be
 * read, the rule is recorded as unresolved. A child that cannot be read is recorded with `wording`'s
 * one bounded line, as every port failure is.
 * @example await compositeDimensions('ALARM(disk-high)', alarms, ports.errorWording) // { dimensions: [{ dimensions: { InstanceId: 'i-0…' } }], unresolved: [] }
 */
export async function compositeDimensions(
  rule: string,
  alarms: AlarmStateReader | undefined,
  wording: ErrorWording,
  location?: TargetLocation,
): Promise<CompositeResolution> {
  const unresolved: { dimensions: Dimensions; reason: string }[] = [];
  const unreadable = (whose: string, error: string) =>
    unresolved.push({
      dimensions: {},
      reason: `${whose} cannot be read: ${error}; name the target by hand (paramedic run --target)`,
    });
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
  const top = alarmsInRule(rule, location);
  if ('error' in top) {
    unreadable('composite alarm: its rule', top.error);
    return { dimensions: [], unresolved };
  }
  const dimensions: ChildDimensions[] = [];
  const seen = new Set<string>();
  let pending = top.children.map((child) => ({ ...child, depth: 1, parent: location }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    const readings = [];
    for (const child of pending) {
      const key = `${child.location?.account ?? ''}/${child.location?.region ?? ''}/${child.name}`;
      if (seen.has(key)) continue;
      if (seen.size >= MAX_CHILD_ALARMS) {
        unresolved.push({
          dimensions: {},
          reason: `composite alarm: more than ${MAX_CHILD_ALARMS} child alarms; ${labelOf(child)} and the rest were not read`,
        });
        break;
      }
      seen.add(key);
      try {
        readings.push({ child, reading: await alarms.readAlarm(child.name, child.location) });
      } catch (error) {
        // The rule is alarm text: an ARN into an account without the spoke role must not stop the run; a failure where the composite itself is read still does (a retry may succeed).
        if (sameLocation(child.location, child.parent)) throw error;
        unreadable(`composite alarm: child alarm ${labelOf(child)}`, wording.line(error));
      }
    }
    const inAlarm = readings.filter((r) => r.reading?.state === 'ALARM');
    for (const { child, reading } of inAlarm.length > 0 ? inAlarm : readings) {
      if (!reading) {
        unresolved.push({
          dimensions: {},
          reason: `composite alarm: child alarm ${labelOf(child)} does not exist`,
        });
        continue;
      }
      if (reading.alarmRule !== undefined) {
        if (child.depth >= MAX_COMPOSITE_DEPTH) {
          unresolved.push({
            dimensions: {},
            reason: `composite alarm: ${labelOf(child)} nests composites deeper than ${MAX_COMPOSITE_DEPTH} levels; not followed`,
          });
          continue;
        }
        const nested = alarmsInRule(reading.alarmRule, child.location);
        if ('error' in nested)
          unreadable(`composite alarm: the rule of child alarm ${labelOf(child)}`, nested.error);
        else
          next.push(
            ...nested.children.map((c) => ({
              ...c,
              depth: child.depth + 1,
              parent: child.location,
            })),
          );
        continue;
      }
      // What the child names no target with says why (an ECS cluster, a query pinning nothing).
      for (const u of reading.unresolved ?? [])
        unresolved.push({
          dimensions: u.dimensions,
          reason: `composite alarm: child alarm ${labelOf(child)}: ${u.reason}`,
        });
      if (!reading.dimensions?.length) {
        if (!reading.unresolved?.length)
          unresolved.push({
            dimensions: {},
            reason: `composite alarm: child alarm ${labelOf(child)} watches no dimension that names a target`,
          });
        continue;
      }
      for (const d of reading.dimensions)
        dimensions.push({ dimensions: d, ...(child.location ? { location: child.location } : {}) });
    }
    pending = next;
  }
  return { dimensions, unresolved };
}
