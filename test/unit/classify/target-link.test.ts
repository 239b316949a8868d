import { describe, expect, it } from 'vitest';
import { NO_WORKLOADS } from '../../../lambdas/core/classify/line-workloads.js';
import { aboutTarget, targetNamesOf } from '../../../lambdas/core/classify/target-link.js';

// k8s.pod-logs as the cluster reader writes it: the target's logs, then CoreDNS's tail, each under
// the `$ kubectl logs` line it was read with.
const POD_LOGS = [
  '$ kubectl logs -n shop orders-1 -c orders --timestamps --since=900s --tail=100', // 1
  '2026-11-23T08:58:00.000000000Z FATAL out of memory', // 2
  '$ kubectl logs -n kube-system coredns-1 -c coredns --timestamps --since=900s --tail=20', // 3
  '2026-11-23T08:58:01.000000000Z [ERROR] plugin/errors: 2 example.com. A: i/o timeout', // 4
  '$ kubectl logs -n shop orders-1 -c sidecar --timestamps --since=900s --tail=100', // 5
  '2026-11-23T08:58:02.000000000Z sidecar up', // 6
].join('\n');

const names = targetNamesOf({
  target: { platform: 'eks', namespace: 'shop', pod: 'orders-1' },
  sections: { 'k8s.pod-logs': { output: POD_LOGS } },
});
const line = (n: number) => ({
  section: 'k8s.pod-logs',
  line: n,
  text: POD_LOGS.split('\n')[n - 1]!,
});

describe("k8s.pod-logs is about the target except under another pod's log heading", () => {
  it("the target's own logs (any of its containers) are about it", () => {
    expect(aboutTarget(line(2), names, NO_WORKLOADS)).toBe(true);
    expect(aboutTarget(line(6), names, NO_WORKLOADS)).toBe(true);
  });

  it("CoreDNS's tail is about CoreDNS, not the alarmed pod", () => {
    expect(aboutTarget(line(3), names, NO_WORKLOADS)).toBe(false);
    expect(aboutTarget(line(4), names, NO_WORKLOADS)).toBe(false);
  });

  it('a pod of the same name in another namespace is another pod', () => {
    const other = targetNamesOf({
      target: { platform: 'eks', namespace: 'billing', pod: 'orders-1' },
      sections: { 'k8s.pod-logs': { output: POD_LOGS } },
    });
    expect(aboutTarget(line(2), other, NO_WORKLOADS)).toBe(false);
  });
});
