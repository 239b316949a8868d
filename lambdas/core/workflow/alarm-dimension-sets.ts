/**
 * The dimension sets an alarm watches, sorted as Intake reads them: those that can name a target,
 * and those that cannot, with why. The alarm event (alarm-event.ts) and DescribeAlarms
 * (described-metric-alarm.ts) spell their metrics differently; both add them here, so an alarm
 * reads the same in Intake, in a composite's child and in `paramedic coverage`.
 */
import type { UnresolvedDimensions } from './cluster-targets.js';
import { unresolvedByNamespace } from './metric-namespace.js';
import { queryDimensions } from './metrics-insights-query.js';

/** Collects an alarm's dimension sets, metric by metric. */
export class AlarmDimensionSets {
  readonly dimensions: Record<string, string>[] = [];
  readonly unresolved: UnresolvedDimensions[] = [];

  /**
   * A metric's dimensions (empty: left out). Another service's cluster (an ECS cluster that shares a
   * configured EKS cluster's name) and an AWS/EKS control-plane metric name no target (metric-namespace.ts).
   */
  addMetric(namespace: string | undefined, dimensions: Record<string, string>): void {
    if (Object.keys(dimensions).length === 0) return;
    const reason = unresolvedByNamespace(namespace, dimensions);
    if (reason) this.unresolved.push({ dimensions, reason });
    else this.dimensions.push(dimensions);
  }

  /** A Metrics Insights query: its WHERE equalities, in its FROM's namespace (none named: as a custom one), or why it pins nothing. */
  addQuery(expression: string): void {
    const pinned = queryDimensions(expression);
    if ('dimensions' in pinned && Object.keys(pinned.dimensions).length > 0)
      this.addMetric(pinned.namespace, { ...pinned.dimensions });
    else
      this.unresolved.push({
        dimensions: {},
        reason: `${'reason' in pinned ? pinned.reason : 'no dimension'}: ${expression.slice(0, 300)}`,
      });
  }
}
