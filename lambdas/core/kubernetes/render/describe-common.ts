import type { Event, StringMap, Taint, Toleration } from '../types.js';
import { since, toDate } from './time-format.js';
import type { PrefixWriter } from './tab-writer.js';

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

/** kubectl's printLabelsMultiline: `Labels:\tk=v`, further labels on `\t`-indented lines, sorted. */
export function printLabelsMultiline(
  w: PrefixWriter,
  title: string,
  labels: StringMap | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${key}=${labels![key]}\n`);
  });
}

/** kubectl's printAnnotationsMultiline (skips last-applied-configuration, folds long values). */
export function printAnnotationsMultiline(
  w: PrefixWriter,
  title: string,
  annotations: StringMap | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n'))
        w.write(
          0,
          `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 5)}...` : s}\n`,
        );
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

/** Taint.ToString(): `key=value:Effect`, `key:Effect`. */
export function taintToString(t: Taint): string {
  const kv = t.value ? `${t.key}=${t.value}` : t.key;
  return t.effect ? `${kv}:${t.effect}` : kv;
}

/** kubectl's printNodeTaintsMultiline: sorted by effect then key, one per line. */
export function printTaintsMultiline(
  w: PrefixWriter,
  title: string,
  taints: readonly Taint[] | undefined,
): void {
  w.write(0, `${title}:\t`);
  const sorted = [...(taints ?? [])].sort((a, b) => {
    const ka = `${a.effect},${a.key}`;
    const kb = `${b.effect},${b.key}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  if (sorted.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${taintToString(t)}\n`);
  });
}

/** kubectl's printTolerationsMultiline: `key=value:Effect op=Exists for 300s`. */
export function printTolerationsMultiline(
  w: PrefixWriter,
  title: string,
  tolerations: readonly Toleration[] | undefined,
): void {
  w.write(0, `${title}:\t`);
  const list = tolerations ?? [];
  if (list.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
      s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

/** Epoch milliseconds of the moment an event last happened (series, lastTimestamp, eventTime, firstTimestamp). */
export function eventLastSeen(e: Event): number {
  const d =
    toDate(e.series?.lastObservedTime) ??
    toDate(e.lastTimestamp) ??
    toDate(e.eventTime) ??
    toDate(e.firstTimestamp);
  return d ? d.getTime() : 0;
}

function eventFirstSeen(e: Event): number {
  const d = toDate(e.eventTime) ?? toDate(e.firstTimestamp) ?? toDate(e.lastTimestamp);
  return d ? d.getTime() : 0;
}

/** kubectl's DescribeEvents: the `Events:` table of describe output (flushes the writer first). */
export function describeEvents(w: PrefixWriter, events: readonly Event[], now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  // SortableEvents orders by lastTimestamp (oldest first).
  const sorted = [...events].sort(
    (a, b) => eventLastSeen(a) - eventLastSeen(b) || eventFirstSeen(a) - eventFirstSeen(b),
  );
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = toDate(e.eventTime) ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    let interval = first;
    if (e.series)
      interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 1} over ${first})`;
    else if ((e.count ?? 0) > 1)
      interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    w.write(
      1,
      `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`,
    );
  }
}

/** Events about one object (kind + name, and namespace for namespaced objects). */
export function eventsFor(
  events: readonly Event[],
  kind: string,
  name: string,
  namespace?: string,
): Event[] {
  return events.filter(
    (e) =>
      e.involvedObject.kind === kind &&
      e.involvedObject.name === name &&
      (namespace === undefined ||
        (e.involvedObject.namespace ?? e.metadata?.namespace) === namespace),
  );
}
