/**
 * Which log lines may prove a failure: those logged inside the incident's window. A line from
 * before the window proves nothing (an OOM kill an hour ago, an error fixed yesterday); on
 * evidence re-collected after a fix, only lines from after the fix count (verification).
 * Lines without a timestamp are kept: nothing says they are stale. A stamp-less line of a
 * container's terminated state (describe's Last State, an exited container's inspect State) is
 * placed at that state's end (ended-state-time.ts): an OOM kill three days ago is not today's.
 */
import type { EvidenceBundle } from '../evidence/bundle.js';
import { endedStateTimes } from './ended-state-time.js';
import { eventRecords, eventRowTiming } from './event-timing.js';
import { bootTimeOf, lineTime, type LineClock } from './line-time.js';
import { localOffsetOf } from './local-offset.js';

/** Default lookback before the incident time, minutes (the collectors' default too). */
export const DEFAULT_LOOKBACK_MINUTES = 15;

/**
 * Without an incident time, how long before the collection a container's terminated state (Last
 * State, an exited container's inspect State) still counts, ms: a day.
 */
export const UNTIMED_ENDED_STATE_LOOKBACK_MS = 86_400_000;

/**
 * dmesg stamps come from the kernel's scheduler clock, placed in time through /proc/uptime; the
 * two drift apart by milliseconds over days of uptime, so a kernel line gets this much slack.
 */
export const KERNEL_CLOCK_SLACK_MS = 1000;

/** Places a section's lines in time and says whether they count. */
export interface IncidentWindow {
  /** Start of the window in ms, or null when the bundle carries no usable time (labelled cases). */
  readonly from: number | null;
  /**
   * Whether a line of `section` lies in the window (true when it carries no timestamp). `lineNo`
   * (1-based) places a line inside a Kubernetes Event object by the object's own timestamps, and
   * one inside a container's terminated state by when that state ended.
   */
  counts(section: string, line: string, lineNo?: number): boolean;
  /** When a line of `section` was logged, in ms, or null when it shows no timestamp. */
  timeOf(section: string, line: string): number | null;
}

const parseTime = (text: string | null | undefined): number | null => {
  if (!text) return null;
  const ms = Date.parse(text);
  // The corpus's labelled cases carry the epoch as a placeholder collection time.
  return Number.isFinite(ms) && ms > 0 ? ms : null;
};

/**
 * The window of a bundle: from `remediatedAt` when the evidence verifies a fix, else from the
 * incident time (or, without one, the collection time) minus the lookback.
 * @example incidentWindow(bundle).counts('kernel.log', '[  12.5] Out of memory: Killed process 9 (java)')
 */
export function incidentWindow(bundle: EvidenceBundle): IncidentWindow {
  const collectedAt = parseTime(bundle.collectedAt);
  const incident = bundle.incident;
  const at = parseTime(incident?.at) ?? collectedAt;
  const lookback = incident?.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES;
  const fixedAt = parseTime(incident?.remediatedAt);
  const from = fixedAt ?? (at === null ? null : at - lookback * 60_000);
  const reference = collectedAt ?? at ?? 0;
  const clocks = new Map<string, LineClock>();
  const clockOf = (section: string): LineClock => {
    let clock = clocks.get(section);
    if (!clock) {
      const output = bundle.sections[section]?.output ?? '';
      clock = { reference, bootedAt: bootTimeOf(output), localOffset: localOffsetOf(output) };
      clocks.set(section, clock);
    }
    return clock;
  };
  // Kubernetes events: a table row's age is relative to the collection, an API object's times absolute.
  const records = new Map<string, Map<number, number>>();
  const recordTimeOf = (section: string, lineNo: number): number | null => {
    let byLine = records.get(section);
    if (!byLine) {
      byLine = new Map();
      for (const r of eventRecords(bundle.sections[section]?.output ?? ''))
        if (r.lastSeenAt !== null)
          for (let l = r.firstLine; l <= r.lastLine; l++) byLine.set(l, r.lastSeenAt);
      records.set(section, byLine);
    }
    return byLine.get(lineNo) ?? null;
  };
  // Container states that ended: any section (a pasted describe or inspect is read the same way).
  const endedStates = new Map<string, Map<number, number>>();
  const endedStateTimeOf = (section: string, lineNo: number): number | null => {
    let byLine = endedStates.get(section);
    if (!byLine) {
      const output = bundle.sections[section]?.output ?? '';
      byLine = /finished/i.test(output) ? endedStateTimes(output) : new Map<number, number>();
      endedStates.set(section, byLine);
    }
    return byLine.get(lineNo) ?? null;
  };
  const ageOf = (section: string, line: string): number | null =>
    isKubernetesSection(section) ? (eventRowTiming(line)?.lastSeenAgoMs ?? null) : null;
  // How far before the collection the window starts. A pasted report carries no collection time:
  // how long after the incident it was pasted is unknown, so its ages (like its other timestamps)
  // place nothing, exactly as `from` is null for it.
  const windowSpan = collectedAt !== null && from !== null ? collectedAt - from : null;
  // How far back a container's ended state may lie. An alarm's time or a fix dates the failure, so
  // the state must lie in the window like any line. Without either, the window is only a guess
  // from the collection time, and a describe taken by hand is taken minutes to hours after someone
  // noticed the kill it shows: then only a termination days old is surely another incident's.
  const endedFrom =
    parseTime(incident?.at) !== null || fixedAt !== null || collectedAt === null
      ? from
      : Math.min(from ?? collectedAt, collectedAt - UNTIMED_ENDED_STATE_LOOKBACK_MS);
  const timeOf = (section: string, line: string) => {
    const t = lineTime(line, clockOf(section));
    if (t !== null || collectedAt === null) return t;
    const age = ageOf(section, line);
    return age === null ? null : collectedAt - age;
  };
  return {
    from,
    timeOf,
    counts(section, line, lineNo) {
      const age = ageOf(section, line);
      // kubectl truncates ages, so the real one is at least this old: stale only when surely so.
      if (age !== null) return windowSpan === null || age <= windowSpan;
      if (from === null) return true;
      const t =
        timeOf(section, line) ??
        (lineNo !== undefined && isKubernetesSection(section)
          ? recordTimeOf(section, lineNo)
          : null);
      if (t === null) {
        const ended = lineNo === undefined ? null : endedStateTimeOf(section, lineNo);
        return ended === null || endedFrom === null || ended >= endedFrom;
      }
      return t >= (line.trimStart().startsWith('[') ? from - KERNEL_CLOCK_SLACK_MS : from);
    },
  };
}

/** Sections the cluster reader (or kubectl) writes: events tables and Event objects live there. */
function isKubernetesSection(section: string): boolean {
  return section.startsWith('k8s.');
}
