/**
 * What an alarm would reach if it fired now, decided from its definition alone: the targets its
 * dimension maps name through the one resolver (targets.ts), and the Container Insights pod-level
 * and cluster-level sets that Intake resolves through the cluster API at alarm time
 * (cluster-targets.ts). A ClusterName of another service's metric (`AWS/ECS`) reaches nothing,
 * whatever eksClusters says (metric-namespace.ts).
 */
import { isClusterDimensionSet, isClusterLevelDimensionSet } from '../workflow/cluster-targets.js';
import { namesNonEksCluster, nonEksClusterReason } from '../workflow/metric-namespace.js';
import { formatTarget, resolveAlarmTargets } from '../workflow/targets.js';
import type { AlarmDefinition } from './described-alarm.js';

/** The targets an alarm definition resolves to, and why the rest resolve to nothing. */
export interface AlarmReach {
  /** Target strings of the grammar (`i-…`, `asg:…`, `eks:<cluster>/<node>`). */
  readonly targets: readonly string[];
  /** Pod-level and cluster-level sets of a configured cluster: resolved to their pods' nodes, or the failing nodes, when the alarm fires. */
  readonly atAlarmTime: readonly string[];
  /** Why the alarm reaches nothing (empty when it reaches something). */
  readonly problems: readonly string[];
}

const describeDimensions = (d: Readonly<Record<string, string>>) =>
  Object.keys(d).sort().join(', ');

/**
 * The namespace whose own cluster these dimensions name (`AWS/ECS`, `ECS/ContainerInsights`: a
 * ClusterName that is not an EKS cluster, metric-namespace.ts), when every metric of the alarm with
 * exactly these dimensions is from such a namespace: Intake leaves the set out of its targets
 * (alarm-event.ts). `ContainerInsights`, `AWS/EKS` and custom namespaces can name an EKS cluster; a
 * set only a query names has no metric here and counts as EKS, as in the event.
 */
function otherServiceNamespace(
  alarm: AlarmDefinition,
  d: Readonly<Record<string, string>>,
): string | undefined {
  const same = alarm.metrics.filter(
    (m) =>
      Object.keys(m.dimensions).length === Object.keys(d).length &&
      Object.entries(d).every(([k, v]) => m.dimensions[k] === v),
  );
  return same.length > 0 && same.every((m) => namesNonEksCluster(m.namespace, d))
    ? same[0]!.namespace
    : undefined;
}

/**
 * Resolves an alarm definition as Intake would resolve its event (without calling any cluster).
 * @example alarmReach(metricAlarmDefinition({ AlarmName: 'a', Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc12345678' }] }), []).targets // ['i-0abc12345678']
 */
export function alarmReach(alarm: AlarmDefinition, eksClusters: readonly string[]): AlarmReach {
  if (alarm.kind === 'composite')
    return {
      targets: [],
      atAlarmTime: [],
      problems: [
        'a composite alarm carries no metric dimensions, so Intake finds no target: point an alarm on a host or node metric at Paramedic instead',
      ],
    };
  if (alarm.dimensions.length === 0) {
    return {
      targets: [],
      atAlarmTime: [],
      problems: [
        alarm.expressions.length
          ? 'a metric math or Metrics Insights query names no dimensions, so Intake finds no target'
          : 'the metric has no dimensions, so Intake finds no target',
      ],
    };
  }
  const targets = new Set<string>();
  const atAlarmTime: string[] = [];
  const problems: string[] = [];
  for (const d of alarm.dimensions) {
    // Another service's cluster is no target, whatever eksClusters says (as Intake records it).
    const otherService = otherServiceNamespace(alarm, d);
    if (otherService) {
      problems.push(nonEksClusterReason(otherService, d.ClusterName!));
      continue;
    }
    // What is left can name an EKS cluster: a configured name alone is its failing nodes.
    const eksClusterLevel = describeDimensions(d) === 'ClusterName';
    if (isClusterLevelDimensionSet(d, eksClusters)) {
      atAlarmTime.push(`failing nodes of cluster ${d.ClusterName}`);
      continue;
    }
    if (isClusterDimensionSet(d) && d.NodeName === undefined) {
      const pods = `${d.Namespace ?? '*'}/${d.FullPodName ?? d.PodName ?? '*'} on cluster ${d.ClusterName}`;
      if (eksClusters.includes(d.ClusterName!)) atAlarmTime.push(`pods ${pods}`);
      else
        problems.push(
          `pod-level dimensions (${pods}) need cluster access, and ${d.ClusterName} is not in eksClusters`,
        );
      continue;
    }
    const resolved = resolveAlarmTargets([d], eksClusters).map(formatTarget);
    for (const t of resolved) targets.add(t);
    if (resolved.length === 0)
      problems.push(
        eksClusterLevel
          ? `a cluster-level alarm reaches the failing nodes of ${d.ClusterName} only when ${d.ClusterName} is in eksClusters`
          : `dimensions ${describeDimensions(d)} name no instance (InstanceId), Auto Scaling group (AutoScalingGroupName) or EKS node (ClusterName + NodeName)`,
      );
  }
  return {
    targets: [...targets],
    atAlarmTime,
    problems: targets.size || atAlarmTime.length ? [] : problems,
  };
}
