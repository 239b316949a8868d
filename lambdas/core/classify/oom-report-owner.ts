/**
 * The kernel prints one OOM kill as a report of many lines, and only one of them names the
 * memory cgroup (`oom-kill:…task_memcg=/docker/<id>`, or `Task in /docker/<id> killed as a result
 * of limit of` before 4.19). The others (`nginx invoked oom-killer`, `memory: usage … limit …`,
 * `Killed process 48211 (nginx)`, the reaper's line) name only a process, whose name any container
 * may share: they are about the container their report names.
 */
import { workloadsNamedIn } from './line-workloads.js';

const REPORT_START = /invoked oom-killer/;
const REPORT_CGROUP = /oom-kill:constraint=|Task in \S+ killed as a result of limit of/;
const REPORT_END = /Killed process (\d+)/;
const REAPED = /reaped process (\d+)/;
const KILLED_PID = /[,\s]pid=(\d+)/;

/**
 * The container ids each line of an OOM report inherits from the report's cgroup line, by 1-based
 * line number. Lines outside a report, and reports whose cgroup is no container's, are absent.
 * @example oomReportContainers(kernelLog).get(4) // ['5d1f…'] for "nginx invoked oom-killer"
 */
export function oomReportContainers(lines: readonly string[]): Map<number, readonly string[]> {
  const owners = new Map<number, readonly string[]>();
  const byPid = new Map<string, readonly string[]>();
  let start = -1;
  let ids: readonly string[] = [];
  lines.forEach((line, i) => {
    if (REPORT_START.test(line)) {
      start = i;
      ids = [];
    } else if (REPORT_CGROUP.test(line)) {
      ids = workloadsNamedIn(line).containerIds;
      if (ids.length > 0) {
        for (let j = start >= 0 ? start : i; j <= i; j++) owners.set(j + 1, ids);
        const pid = KILLED_PID.exec(line)?.[1];
        if (pid) byPid.set(pid, ids);
      }
      if (start < 0) start = i;
    } else if (start >= 0 && ids.length > 0) owners.set(i + 1, ids);
    const killed = REPORT_END.exec(line)?.[1] ?? REAPED.exec(line)?.[1];
    if (killed) {
      const known = byPid.get(killed) ?? (start >= 0 ? ids : []);
      if (known.length > 0) owners.set(i + 1, known);
      // The report ends with its kill; what follows is another report or none.
      start = -1;
      ids = [];
    }
  });
  return owners;
}
