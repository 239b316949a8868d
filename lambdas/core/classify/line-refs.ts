/**
 * The workloads an evidence line names, read from the whole line in its section (the evidence's
 * display text is trimmed and cut) and, for a line of a kernel OOM report, from the report's
 * cgroup line.
 */
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { EvidenceLine } from './evaluation.js';
import { NO_WORKLOADS, workloadsNamedIn, type LineWorkloads } from './line-workloads.js';
import { oomReportContainers } from './oom-report-owner.js';
import { LINE_CAP } from './scan-limits.js';

/** Reads which workloads an evidence line names. */
export type LineWorkloadsReader = (line: EvidenceLine) => LineWorkloads;

/**
 * A reader of the bundle's lines, splitting each section once, on first use.
 * @example lineWorkloadsReader(bundle)({ section: 'kernel.log', line: 7, text }).containerIds
 */
export function lineWorkloadsReader(bundle: EvidenceBundle): LineWorkloadsReader {
  const cache = new Map<string, { lines: string[]; owners: Map<number, readonly string[]> }>();
  const sectionOf = (name: string) => {
    let read = cache.get(name);
    if (!read) {
      const lines = (bundle.sections[name]?.output ?? '')
        .split('\n')
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).slice(0, LINE_CAP));
      read = { lines, owners: oomReportContainers(lines) };
      cache.set(name, read);
    }
    return read;
  };
  return (line) => {
    if (!bundle.sections[line.section]) return NO_WORKLOADS;
    const { lines, owners } = sectionOf(line.section);
    const named = workloadsNamedIn(lines[line.line - 1] ?? line.text);
    const inherited = owners.get(line.line);
    return inherited && named.containerIds.length === 0
      ? { ...named, containerIds: inherited }
      : named;
  };
}
