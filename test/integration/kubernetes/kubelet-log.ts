/**
 * What the kubelet answers a log read with (pkg/kubelet/kuberuntime/logs/logs.go): the last
 * `tailLines` lines of the container's log, then, with `sinceSeconds`, only those logged at or
 * after now minus that, each prefixed with the time it was logged (RFC 3339 with nine fraction
 * digits, `RFC3339NanoFixed`) when `timestamps` is asked for.
 *
 * A scenario records a log as text. A line's time is, in order: the runtime's own record of it
 * (the line starts with a nine-digit stamp, as in the node's CRI log file; not part of what the
 * program wrote), the program's own leading stamp, the time of the line before it, or the end of
 * the container's run (a run's lines are logged before it ends; a running one's ends at now).
 */

/** How a log read was asked for (the query of GET …/pods/<name>/log). */
export interface LogQuery {
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  readonly timestamps?: boolean;
}

const RUNTIME_STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z) /;
const OWN_STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))\s/;

/** `ms` as the kubelet prints it: 2026-11-23T08:57:20.114000000Z. */
function rfc3339NanoFixed(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * The body of a log read of `text`, a run that ended at `runEnd` (ms), read at `now` (ms).
 * @example kubeletLog('boot\n', { timestamps: true }, t, t) // '2026-11-23T09:00:00.000000000Z boot\n'
 */
export function kubeletLog(text: string, query: LogQuery, runEnd: number, now: number): string {
  if (text === '') return '';
  const records: { at: number; line: string }[] = [];
  let last: number | null = null;
  for (const raw of text.replace(/\n$/, '').split('\n')) {
    const runtime = RUNTIME_STAMP.exec(raw);
    const line = runtime ? raw.slice(runtime[0].length) : raw;
    const own = runtime ?? OWN_STAMP.exec(line);
    if (own) last = Date.parse(own[1]!);
    records.push({ at: last ?? runEnd, line });
  }
  const tail = query.tailLines ?? 0;
  const since = query.sinceSeconds ? now - query.sinceSeconds * 1000 : null;
  return (tail > 0 ? records.slice(-tail) : records)
    .filter((r) => since === null || r.at >= since)
    .map((r) => `${query.timestamps ? `${rfc3339NanoFixed(r.at)} ` : ''}${r.line}\n`)
    .join('');
}
