/**
 * Which runbooks can explain an alarm's metric: each runbook declares, in `explains:`, the metric
 * namespaces and names whose alarms its failure class accounts for. Patterns are literal text with
 * `*` for any run of characters (no regular expressions: matching costs linear time in the name).
 */
import type { MetricPattern, Runbook } from '../runbook/model.js';
import type { AlarmMetric } from './described-alarm.js';

/**
 * True when `text` matches a `*` pattern (the whole text; case-sensitive, as CloudWatch names are).
 * @example globMatches('disk_*', 'disk_used_percent') // true
 */
export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  if (text.length < head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail))
    return false;
  // Leftmost placement of each middle part is optimal when the only wildcard is `*`.
  let at = head.length;
  const end = text.length - tail.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** True when a runbook's pattern covers a metric. */
export function patternCovers(
  pattern: MetricPattern,
  metric: Pick<AlarmMetric, 'namespace' | 'name'>,
): boolean {
  return (
    globMatches(pattern.namespace, metric.namespace) && globMatches(pattern.metric, metric.name)
  );
}

/** The ids of the runbooks whose `explains:` covers a metric, in runbook order. */
export function runbooksExplaining(
  metric: Pick<AlarmMetric, 'namespace' | 'name'>,
  runbooks: readonly Pick<Runbook, 'id' | 'explains'>[],
): string[] {
  return runbooks
    .filter((r) => (r.explains ?? []).some((p) => patternCovers(p, metric)))
    .map((r) => r.id);
}
