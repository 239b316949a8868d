/**
 * When did a log line happen? Parses the timestamp formats the collectors gather, in milliseconds
 * since the epoch, or null when the line carries none (command output, headings, config files).
 * Stamps without a zone (syslog, klog, ISO without an offset) are the host's local time: the
 * section's clock says how far that is from UTC (`local-offset.ts`).
 * Pure and linear: each parser is an anchored regex over a short prefix of the line.
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Lines longer than this are only searched for a timestamp in their head. */
const HEAD = 200;

// 2026-12-02T12:00:00.123456789Z, 2026-12-02T12:00:00+0000 (journald short-iso), 2026-12-02 12:00:00,123
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
// dockerd's logrus fields: time="2026-12-02T12:00:00.123456789Z"
const LOGRUS = /\btime="(\d{4}-\d{2}-\d{2}T[^"]{8,40})"/;
// A JSON log line's own stamp (zap "ts", logrus/slog "time"; the VPC CNI's ipamd, most controllers):
// {"level":"error","ts":"2026-12-02T12:00:00.000Z",…}. Only near the line's start, as loggers put it.
const JSON_STAMP = /^\{.{0,80}?"(?:ts|time)": ?"(\d{4}-\d{2}-\d{2}T[^"]{8,40})"/;
// syslog / journald short: "Dec  2 12:00:00 host unit[pid]: ..."
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /;
// klog: "I1202 12:00:00.000000    1234 file.go:12] ..."
const KLOG = /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /;
// dmesg: "[  123.456789] ..." (seconds since boot)
const DMESG = /^\[ *(\d{1,10})\.(\d{1,9})\]/;
/** The heading the collectors print in kernel.log so dmesg's uptime seconds can be placed in time. */
export const UPTIME_ANCHOR = /# uptime-anchor: (\d+(?:\.\d+)?) s at (\S+)/;

/** The month (0–11) a syslog stamp names (`Sep`), or undefined. */
export function monthOf(name: string): number | undefined {
  return MONTHS[name.toLowerCase()];
}

function fraction(digits: string | undefined): number {
  return digits ? Number(digits.slice(0, 3).padEnd(3, '0')) : 0;
}

/** A zone suffix (`Z`, `+05:30`, `-0400`) in ms east of UTC. */
export function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/**
 * An ISO stamp in ms; one without a zone is local time, `localOffset` ms east of UTC.
 * @example isoMillis('2026-12-02T12:00:00-0500') // the UTC instant 17:00
 */
export function isoMillis(text: string, localOffset = 0): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, fraction(m[7]));
  const ms = wall - (m[8] ? zoneOffsetMs(m[8]) : localOffset);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * A timestamp without a year is taken in the year that puts it at most a day after `reference`
 * (a December line read in January belongs to the year before). It carries no zone either: it is
 * the host's wall clock, `localOffset` ms east of UTC (0, UTC, on EC2 and EKS AMIs as shipped,
 * but a host set to its operators' zone logs their time).
 */
function yearless(
  clock: LineClock,
  month: number,
  day: number,
  h: number,
  min: number,
  s: number,
  ms: number,
): number {
  const { reference, localOffset } = clock;
  const year = new Date(reference + localOffset).getUTCFullYear();
  const at = Date.UTC(year, month, day, h, min, s, ms) - localOffset;
  return at > reference + 86_400_000
    ? Date.UTC(year - 1, month, day, h, min, s, ms) - localOffset
    : at;
}

/** What placing lines in time needs beyond the line: a year for yearless stamps, boot time for dmesg. */
export interface LineClock {
  /** Milliseconds; yearless stamps are placed at or before it (the bundle's collection time). */
  readonly reference: number;
  /** Milliseconds of boot (uptime 0), when the section carried an uptime anchor. */
  readonly bootedAt: number | null;
  /**
   * How far the host's local time is east of UTC, in ms (-5 h: -18_000_000), for stamps without
   * a zone; 0 when the section does not say (`localOffsetOf`).
   */
  readonly localOffset: number;
}

/**
 * The time a line was logged, in ms since the epoch, or null when it shows no timestamp.
 * @example lineTime('2026-12-02T12:00:00Z dockerd: ...', clock) // 1796212800000
 */
export function lineTime(line: string, clock: LineClock): number | null {
  const head = (line.length > HEAD ? line.slice(0, HEAD) : line).trimStart();
  const c = head.charCodeAt(0);
  if (c >= 48 && c <= 57) return isoMillis(head, clock.localOffset);
  if (c === 123) {
    const json = JSON_STAMP.exec(head);
    return json ? isoMillis(json[1]!, clock.localOffset) : null;
  }
  if (c === 91) {
    const m = DMESG.exec(head);
    return m && clock.bootedAt !== null
      ? clock.bootedAt + Number(m[1]) * 1000 + fraction(m[2])
      : null;
  }
  const syslog = SYSLOG.exec(head);
  if (syslog) {
    const month = monthOf(syslog[1]!);
    if (month !== undefined)
      return yearless(
        clock,
        month,
        +syslog[2]!,
        +syslog[3]!,
        +syslog[4]!,
        +syslog[5]!,
        fraction(syslog[6]),
      );
  }
  const klog = KLOG.exec(head);
  if (klog)
    return yearless(
      clock,
      +klog[1]! - 1,
      +klog[2]!,
      +klog[3]!,
      +klog[4]!,
      +klog[5]!,
      fraction(klog[6]),
    );
  const logrus = LOGRUS.exec(head);
  return logrus ? isoMillis(logrus[1]!, clock.localOffset) : null;
}

/** Boot time from a section's uptime anchor (`# uptime-anchor: 1234.5 s at 2026-12-02T12:00:00Z`), or null. */
export function bootTimeOf(output: string): number | null {
  const at = output.indexOf('# uptime-anchor:');
  if (at < 0) return null;
  const m = UPTIME_ANCHOR.exec(output.slice(at, at + 120));
  if (!m) return null;
  const now = isoMillis(m[2]!);
  return now === null ? null : now - Math.round(Number(m[1]) * 1000);
}
