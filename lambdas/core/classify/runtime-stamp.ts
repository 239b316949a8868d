/**
 * The time a container runtime puts before each line it hands out: `docker logs --timestamps` and
 * the kubelet's log read with `timestamps=true` (`kubectl logs --timestamps`) both prefix RFC 3339
 * with nine fraction digits and a space (RFC3339NanoFixed: `2026-11-23T08:57:20.114000000Z `).
 * The stamp places the line in time (line-time.ts reads it like any ISO stamp); the line itself,
 * what the program wrote, starts after it, and that is what a pattern anchored at `^` means.
 * Pure and linear: one anchored regex over the line's head.
 */

/** Sections whose collectors ask the runtime for that prefix on every line. */
export const RUNTIME_STAMPED_SECTIONS: ReadonlySet<string> = new Set([
  'docker.logs',
  'k8s.pod-logs',
]);

// Fixed width, as both runtimes print it: an application's own ISO stamp rarely has nine digits.
const RUNTIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}(?:Z|[+-]\d{2}:\d{2}) /;

/**
 * The line as its program wrote it: without the runtime's stamp in a section that has one.
 * @example withoutRuntimeStamp('k8s.pod-logs', '2026-11-23T08:57:20.114000000Z Usage of app:') // 'Usage of app:'
 */
export function withoutRuntimeStamp(section: string, line: string): string {
  if (!RUNTIME_STAMPED_SECTIONS.has(section)) return line;
  const m = RUNTIME_STAMP.exec(line);
  return m ? line.slice(m[0].length) : line;
}
