/**
 * What an alarm would reach if it fired now, decided from its definition alone: the targets its
 * dimension maps name through the one resolver (targets.ts), and the Container Insights pod-level
 * and cluster-level sets that Intake resolves through the cluster API at alarm time
 * (cluster-targets.ts). A ClusterName of another service's metric (`AWS/ECS`) reaches nothing,
 * whatever eksClusters says (metric-namespace.ts). A composite alarm reaches its children's
 * targets, found by Intake's own composite resolution over the listing (listed-alarm-reader.ts).
 */
import { compositeDimensions } from '../workflow/composite-alarm.js';
import { isClusterDimensionSet, isClusterLevelDimensionSet } from '../workflow/cluster-targets.js';
import type { ErrorWording, TargetLocation } from '../workflow/ports.js';
import { sameLocation } from '../workflow/target-location.js';
import { formatTarget, resolveAlarmTargets } from '../workflow/targets.js';
import type { AlarmDefinition } from './described-alarm.js';
import { alarmArnLocation, ListedAlarmReader } from './listed-alarm-reader.js';

/** The targets an alarm definition resolves to, and why the rest resolve to nothing. */
export interface AlarmReach {
  /** Target strings of the grammar (`i-…`, `asg:…`, `eks:<cluster>/<node>`). */
  readonly targets: readonly string[];
  /**
   * Reached only when the alarm fires: pod-level and cluster-level sets of a configured cluster
   * (their pods' nodes, or the failing nodes), and a composite's children's targets (each when its
   * child is in ALARM).
   */
  readonly atAlarmTime: readonly string[];
  /** Why the alarm reaches nothing (empty when it reaches something). */
  readonly problems: readonly string[];
  /**
   * What the alarm names that reaches no target, with why, even when the rest reaches one: what
   * Intake records as `unresolved` on the triggered entry, and sets no target grammar names.
   */
  readonly notReached: readonly string[];
  /** A composite's child alarms (any level) whose targets it reaches when they are in ALARM. */
  readonly children?: readonly string[];
}

const describeDimensions = (d: Readonly<Record<string, string>>) =>
  Object.keys(d).sort().join(', ');

/** What one dimension set reaches: targets, sets resolved at alarm time, or why nothing. */
interface SetReach {
  readonly targets: readonly string[];
  readonly atAlarmTime: readonly string[];
  readonly problem?: string;
}

function setReach(
  d: Readonly<Record<string, string>>,
  eksClusters: readonly string[],
  location?: TargetLocation,
): SetReach {
  // What is here can name an EKS cluster (other services' clusters are unresolved already): a configured name alone is its failing nodes.
  if (isClusterLevelDimensionSet(d, eksClusters))
    return { targets: [], atAlarmTime: [`failing nodes of cluster ${d.ClusterName}`] };
  if (isClusterDimensionSet(d) && d.NodeName === undefined) {
    const pods = `${d.Namespace ?? '*'}/${d.FullPodName ?? d.PodName ?? '*'} on cluster ${d.ClusterName}`;
    return eksClusters.includes(d.ClusterName!)
      ? { targets: [], atAlarmTime: [`pods ${pods}`] }
      : {
          targets: [],
          atAlarmTime: [],
          problem: `pod-level dimensions (${pods}) need cluster access, and ${d.ClusterName} is not in eksClusters`,
        };
  }
  const targets = resolveAlarmTargets([d], eksClusters, location).map(formatTarget);
  if (targets.length > 0) return { targets, atAlarmTime: [] };
  return {
    targets,
    atAlarmTime: [],
    problem:
      describeDimensions(d) === 'ClusterName'
        ? `a cluster-level alarm reaches the failing nodes of ${d.ClusterName} only when ${d.ClusterName} is in eksClusters`
        : `dimensions ${describeDimensions(d)} name no instance (InstanceId), Auto Scaling group (AutoScalingGroupName) or EKS node (ClusterName + NodeName)`,
  };
}

/** The reach of what an alarm names: problems only when nothing at all is reached. */
function reachOf(
  targets: readonly string[],
  atAlarmTime: readonly string[],
  notReached: readonly string[],
): AlarmReach {
  return {
    targets: [...new Set(targets)],
    atAlarmTime: [...new Set(atAlarmTime)],
    problems: targets.length || atAlarmTime.length ? [] : [...notReached],
    notReached: [...notReached],
  };
}

function metricReach(alarm: AlarmDefinition, eksClusters: readonly string[]): AlarmReach {
  const sets = alarm.dimensions.map((d) => setReach(d, eksClusters));
  const named = alarm.dimensions.length + alarm.unresolved.length > 0;
  const notReached = named
    ? [
        ...alarm.unresolved.map((u) => u.reason),
        ...sets.flatMap((r) => (r.problem ? [r.problem] : [])),
      ]
    : ['the metric has no dimensions, so Intake finds no target'];
  return reachOf(
    sets.flatMap((r) => r.targets),
    sets.flatMap((r) => r.atAlarmTime),
    notReached,
  );
}

/** The listing is read, not called: a failure is the reader's own one-line message. */
const LISTING_WORDING: ErrorWording = {
  parts: (error) => ({
    name: (error as Error).name ?? 'Error',
    message: (error as Error).message ?? String(error),
  }),
  line: (error) => (error as Error).message ?? String(error),
};

const sameSet = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * A composite's reach: Intake's composite resolution over the listing gives its children's sets and
 * what named none; each set is reached when the child that names it is in ALARM as the composite
 * fires. A child outside the intake filter is read all the same (Intake reads children by name).
 */
async function compositeReach(
  alarm: AlarmDefinition,
  eksClusters: readonly string[],
  listing: readonly AlarmDefinition[],
  inIntake: (alarmName: string) => boolean,
): Promise<AlarmReach> {
  const reader = new ListedAlarmReader(listing);
  const location = alarmArnLocation(alarm.alarmArn);
  const resolved = await compositeDimensions(
    alarm.alarmRule ?? '',
    reader,
    LISTING_WORDING,
    location,
  );
  // A composite names no target of its own: everything it reaches is its children's, at alarm time.
  const atAlarmTime: string[] = [];
  const children = new Set<string>();
  const notReached = resolved.unresolved.map((u) => u.reason);
  for (const { dimensions, location: where } of resolved.dimensions) {
    // The children whose reading holds this set (the resolution returns sets, not who named them).
    const by = [
      ...new Set(
        reader.reads
          .filter(
            (r) =>
              sameLocation(r.location, where) &&
              r.reading?.dimensions?.some((d) => sameSet(d, dimensions)),
          )
          .map((r) => r.name),
      ),
    ];
    const named = by.length ? by.join(' or ') : 'its child';
    const outside = by.filter((n) => !inIntake(n));
    const when = `when child alarm ${named} is in ALARM as ${alarm.alarmName} fires${
      outside.length
        ? ` (${outside.join(', ')} alone starts no run: outside the intake filter)`
        : ''
    }`;
    // A child elsewhere than the composite has its targets there, as Intake resolves them.
    const r = setReach(dimensions, eksClusters, sameLocation(where, location) ? undefined : where);
    if (r.problem) notReached.push(`child alarm ${named}: ${r.problem}`);
    for (const reached of [...r.targets, ...r.atAlarmTime]) {
      atAlarmTime.push(`${reached} ${when}`);
      for (const n of by) children.add(n);
    }
  }
  // Intake records a missing child only when no other child is in ALARM: coverage always says so.
  for (const name of new Set(reader.reads.filter((r) => !r.reading).map((r) => r.name)))
    notReached.push(
      `child alarm ${name} is not in this DescribeAlarms listing: when the composite fires, Intake reaches nothing through it unless it exists then; if it exists, list every alarm (aws cloudwatch describe-alarms without a name filter)`,
    );
  return { ...reachOf([], atAlarmTime, notReached), children: [...children] };
}

/**
 * Resolves an alarm definition as Intake would resolve its event (without calling any cluster). A
 * composite's children are read from `listing` (the whole DescribeAlarms output); `inIntake` says
 * which alarm names start a run of their own.
 * @example (await alarmReach(metricAlarmDefinition({ AlarmName: 'a', Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc12345678' }] }), [])).targets // ['i-0abc12345678']
 */
export async function alarmReach(
  alarm: AlarmDefinition,
  eksClusters: readonly string[],
  listing: readonly AlarmDefinition[] = [],
  inIntake: (alarmName: string) => boolean = () => true,
): Promise<AlarmReach> {
  return alarm.kind === 'composite'
    ? compositeReach(alarm, eksClusters, listing, inIntake)
    : metricReach(alarm, eksClusters);
}
