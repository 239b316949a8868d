/**
 * k8s.pod-logs holds the alarmed pod's logs and, after them, a short tail of CoreDNS's (so a DNS
 * failure shows both sides). Each log sits under the `$ kubectl logs -n <namespace> <pod> …` line
 * it was read with: the lines under another pod's heading are about that pod, not the target.
 * Pure and linear: one pass over the section.
 */
import { forEachLine } from './facts/fact.js';

const LOG_HEADING = /^\$ kubectl logs -n (\S+) (\S+)/;

/**
 * The line numbers (1-based) of `output` that sit under the log heading of a pod other than
 * `namespace/pod`; empty when the section has no such heading (a pasted log).
 * @example otherPodLogLines('$ kubectl logs -n kube-system coredns-1 -c coredns\n[ERROR] …', 'shop', 'orders-1') // Set {1, 2}
 */
export function otherPodLogLines(
  output: string,
  namespace: string | null | undefined,
  pod: string,
): ReadonlySet<number> {
  const lines = new Set<number>();
  let other = false;
  forEachLine(output, (line, lineNo) => {
    const heading = line.startsWith('$ kubectl logs ') ? LOG_HEADING.exec(line) : null;
    if (heading) other = heading[2] !== pod || (!!namespace && heading[1] !== namespace);
    if (other) lines.add(lineNo);
    return undefined;
  });
  return lines;
}
