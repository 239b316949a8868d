/**
 * How far a host's local time is from UTC, for the stamps its logs carry without a zone (syslog,
 * klog, ISO without an offset): a host set to its operators' zone logs their wall clock, and read
 * as UTC its lines land hours off, inside the incident window or out of it.
 * The collectors say it in a heading where they read a log file (`pm_log_file`) and before
 * `systemctl status`, whose journal lines are zoneless too (`pm_local_time_heading`). A section without
 * the heading (a pasted log, an older collector) may still show it: a syslog line whose logger
 * stamped its own message with a zone carries the same instant twice, once in local time.
 * Pure and linear: one bounded, anchored regex per line, the first line that shows it decides.
 */
import { isoMillis, monthOf, zoneOffsetMs } from './line-time.js';

/** The heading the collectors print before a log file's lines: `# local-time-offset: -0500`. */
export const LOCAL_TIME_OFFSET = /# local-time-offset: ([+-]\d{2}:?\d{2})/;

const QUARTER_HOUR_MS = 900_000;
/** Zones run from UTC−12 to UTC+14. */
const MAX_OFFSET_MS = 14 * 3_600_000;
/** syslog stamps a message when it receives it, the logger when it wrote it: a moment apart. */
const DELIVERY_SLACK_MS = 2000;
/** Only a line's head is read: the prefix and the logger's stamp open it. */
const HEAD = 200;

// "Sep 21 13:52:27 host dockerd[812]: ": the zoneless stamp, host and tag before the message.
const SYSLOG_PREFIX =
  /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})? \S{1,64} [^\s:]{1,64}: /;
// The logger's own stamp, with a zone, opening its message: logrus text (dockerd, containerd)
// writes time="…" first, a JSON logger (zap, slog) its "ts"/"time" near the start. A stamp further
// in is something the message talks about (a retry time, a certificate's expiry), not when it was.
const ZONED = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2}))';
const LOGRUS_FIRST = new RegExp(`^time="${ZONED}"`);
const JSON_FIRST = new RegExp(`^\\{.{0,80}?"(?:ts|time)": ?"${ZONED}"`);

/**
 * The section's local time in ms east of UTC: from the collector's heading, else from its first
 * syslog line that shows it, else 0 (UTC, as EC2 and EKS AMIs ship).
 * @example localOffsetOf('# local-time-offset: -0500\nSep 21 13:52:27 host dockerd[1]: x') // -18_000_000
 */
export function localOffsetOf(output: string): number {
  const at = output.indexOf('# local-time-offset:');
  if (at >= 0) {
    const m = LOCAL_TIME_OFFSET.exec(output.slice(at, at + 40));
    const offset = m ? zoneOffsetMs(m[1]!) : Number.NaN;
    if (Math.abs(offset) <= MAX_OFFSET_MS) return offset;
  }
  for (let start = 0; start < output.length; ) {
    const end = output.indexOf('\n', start);
    const stop = end < 0 ? output.length : end;
    const offset = offsetShownBy(output.slice(start, Math.min(stop, start + HEAD)));
    if (offset !== null) return offset;
    start = stop + 1;
  }
  return 0;
}

/**
 * The offset a line shows: its syslog prefix minus its logger's zoned stamp, when that is a whole
 * number of quarter hours (every zone is) give or take the delivery slack; else null.
 */
function offsetShownBy(head: string): number | null {
  const prefix = SYSLOG_PREFIX.exec(head);
  const month = prefix ? monthOf(prefix[1]!) : undefined;
  if (!prefix || month === undefined) return null;
  const message = head.slice(prefix[0].length);
  const own = (LOGRUS_FIRST.exec(message) ?? JSON_FIRST.exec(message))?.[1];
  const logged = own ? isoMillis(own) : null;
  if (logged === null) return null;
  // The prefix has no year: the one that puts it within a zone of the logger's instant.
  const year = new Date(logged).getUTCFullYear();
  for (const y of [year, year - 1, year + 1]) {
    const wall = Date.UTC(y, month, +prefix[2]!, +prefix[3]!, +prefix[4]!, +prefix[5]!);
    const diff = wall - logged;
    if (Math.abs(diff) > MAX_OFFSET_MS + DELIVERY_SLACK_MS) continue;
    const quarters = Math.round(diff / QUARTER_HOUR_MS);
    if (Math.abs(diff - quarters * QUARTER_HOUR_MS) > DELIVERY_SLACK_MS) return null;
    // `quarters` may be -0 (a stamp a second late on a UTC host): 0 east of UTC either way.
    return quarters === 0 ? 0 : quarters * QUARTER_HOUR_MS;
  }
  return null;
}
