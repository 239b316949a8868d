import { describe, expect, it } from 'vitest';
import {
  sameImage,
  sameNode,
  workloadsNamedIn,
} from '../../../lambdas/core/classify/line-workloads.js';
import { oomReportContainers } from '../../../lambdas/core/classify/oom-report-owner.js';
import { namesAnother, targetNamesOf } from '../../../lambdas/core/classify/target-link.js';
import type { EvidenceTarget } from '../../../lambdas/core/evidence/bundle.js';

const ID = 'a'.repeat(64);

describe('workloadsNamedIn', () => {
  it.each([
    ['klog structured', 'E1122 "Error syncing pod, skipping" pod="shop/reports-7d9f6c8b5-k2x8q"'],
    [
      'the back-off text',
      'back-off 10s restarting failed container=r pod=reports-7d9f6c8b5-k2x8q_shop(0b1c)',
    ],
    [
      'an event object',
      '60s   Warning   Failed   pod/reports-7d9f6c8b5-k2x8q   Error: ErrImagePull',
    ],
    ['podName=', 'level=error msg="probe failed" podName=reports-7d9f6c8b5-k2x8q'],
  ])('reads the pod from %s', (_, line) => {
    expect(workloadsNamedIn(line).pods).toEqual(['reports-7d9f6c8b5-k2x8q']);
  });

  it.each([
    ['a systemd cgroup scope', `task_memcg=/system.slice/docker-${ID}.scope,task=nginx`],
    ['a cgroupfs path', `Task in /docker/${ID} killed as a result of limit of /docker/${ID}`],
    ['a kubepods path', `task_memcg=/kubepods/burstable/pod0b1c2d3e-0000/${ID},task=java`],
    ["dockerd's field", `level=error msg="stream copy error" container=${ID}`],
  ])('reads the container id from %s', (_, line) => {
    expect(workloadsNamedIn(line).containerIds).toEqual([ID]);
  });

  it('reads images quoted or escaped, and nodes from a listing row or an event', () => {
    expect(workloadsNamedIn('msg="PullImage \\"nginx:1.27\\" failed"').images).toEqual([
      'nginx:1.27',
    ]);
    expect(workloadsNamedIn("Unable to find image 'busybox:1' locally").images).toEqual([
      'busybox:1',
    ]);
    expect(workloadsNamedIn('ip-10-0-3-67   NotReady   <none>   6d6h   v1.30.4').nodes).toEqual([
      'ip-10-0-3-67',
    ]);
    expect(workloadsNamedIn('Normal  NodeNotReady  node/ip-10-0-3-67  status').nodes).toEqual([
      'ip-10-0-3-67',
    ]);
  });

  it('a line that names no workload names nothing', () => {
    expect(workloadsNamedIn('kubelet: failed to garbage collect: no space left on device')).toEqual(
      {
        pods: [],
        containerIds: [],
        images: [],
        nodes: [],
      },
    );
  });

  it('one image however it is written; a host and its FQDN are one node', () => {
    expect(sameImage('docker.io/library/nginx:latest', 'nginx')).toBe(true);
    expect(sameImage('nginx@sha256:0123', 'nginx:1.27')).toBe(true);
    expect(sameImage('nginx:1.27', 'nginx:1.26')).toBe(false);
    expect(sameNode('ip-10-0-1-23', 'ip-10-0-1-23.eu-west-1.compute.internal')).toBe(true);
    expect(sameNode('ip-10-0-1-2', 'ip-10-0-1-23')).toBe(false);
  });
});

describe('oomReportContainers', () => {
  it("every line of a kernel OOM report is about the container its cgroup line names, the reaper's too", () => {
    const other = 'b'.repeat(64);
    const lines = [
      '[1.0] docker0: port 1 entered blocking state',
      '[2.0] nginx invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0',
      '[2.1] memory: usage 262144kB, limit 262144kB, failcnt 1489',
      `[2.2] oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/docker/${ID},task=nginx,pid=48211,uid=101`,
      '[2.3] Memory cgroup out of memory: Killed process 48211 (nginx) total-vm:1kB',
      '[2.4] java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0',
      `[2.5] oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/docker/${other},task=java,pid=9,uid=0`,
      '[2.6] Memory cgroup out of memory: Killed process 9 (java) total-vm:1kB',
      '[2.7] oom_reaper: reaped process 48211 (nginx), now anon-rss:0kB',
    ];
    const owners = oomReportContainers(lines);
    expect(owners.get(1)).toBeUndefined();
    for (const n of [2, 3, 4, 5, 9]) expect(owners.get(n)).toEqual([ID]);
    for (const n of [6, 7, 8]) expect(owners.get(n)).toEqual([other]);
  });
});

describe('namesAnother', () => {
  const target: EvidenceTarget = { platform: 'eks', pod: 'orders-1', node: 'ip-10-0-1-23' };
  const names = targetNamesOf({
    target,
    sections: {
      'k8s.pods': {
        output: 'Name: orders-1\nNode:  ip-10-0-1-23/10.0.1.23\n    Image:   shop/orders:3.1.0',
      },
    },
  });
  const named = (line: string) => workloadsNamedIn(line);

  it("reads the target pod's images and node from its describe", () => {
    expect(names.images).toEqual(['shop/orders:3.1.0']);
    expect(names.node).toBe('ip-10-0-1-23');
    expect(
      targetNamesOf({
        target: { platform: 'eks', pod: 'p' },
        sections: { 'k8s.pods': { output: 'Name: p\nNode:             <none>\n' } },
      }).node,
    ).toBeNull();
  });

  it('another pod, image or node is another; naming the target too, or nothing, is not', () => {
    expect(namesAnother(named('pod="shop/reports-2"'), names)).toBe(true);
    expect(namesAnother(named('PullImage "shop/reports:4.0.0" failed'), names)).toBe(true);
    expect(namesAnother(named('ip-10-0-3-67   NotReady   <none>'), names)).toBe(true);
    expect(namesAnother(named('image="shop/reports:4.0.0" pod="shop/orders-1"'), names)).toBe(
      false,
    );
    expect(namesAnother(named('PullImage "shop/orders:3.1.0" failed'), names)).toBe(false);
    expect(namesAnother(named('no space left on device'), names)).toBe(false);
  });

  it('for a node-wide signal only another node is another', () => {
    expect(namesAnother(named('pod="shop/reports-2"'), names, true)).toBe(false);
    expect(namesAnother(named('ip-10-0-3-67   NotReady   <none>'), names, true)).toBe(true);
  });

  it('a target known by nothing a line names leaves it no one else’s', () => {
    const bare = targetNamesOf({ target: { platform: 'docker', container: 'web' }, sections: {} });
    expect(namesAnother(named('pod="shop/reports-2" image="x:1"'), bare)).toBe(false);
  });
});
