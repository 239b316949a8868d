import type { Timestamp } from '../types.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A Date from an API timestamp; undefined when absent or unparsable (Go's zero time). */
export function toDate(ts: Timestamp | undefined | null): Date | undefined {
  if (ts === undefined || ts === null) return undefined;
  const d = ts instanceof Date ? ts : new Date(ts);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Go's time.RFC1123Z in UTC, as kubectl describe prints times: `Mon, 23 Nov 2026 09:00:00 +0000`. */
export function rfc1123z(ts: Timestamp | undefined): string {
  const d = toDate(ts);
  if (!d) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Go's time.Time.String() in UTC (metav1.Time printed with %s): `2026-11-23 08:00:00 +0000 UTC`. */
export function goTimeString(ts: Timestamp | undefined): string {
  const d = toDate(ts);
  if (!d) return '0001-01-01 00:00:00 +0000 UTC';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

/**
 * apimachinery's duration.HumanDuration, the AGE/LAST SEEN column of kubectl:
 * `45s`, `2m`, `5m30s`, `3h20m`, `10h`, `3d4h`, `12d`, `2y30d`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** kubectl's translateTimestampSince: the age of a timestamp at `now`, `<unknown>` when unset. */
export function since(ts: Timestamp | undefined, now: Date): string {
  const d = toDate(ts);
  return d ? humanDuration(now.getTime() - d.getTime()) : '<unknown>';
}
