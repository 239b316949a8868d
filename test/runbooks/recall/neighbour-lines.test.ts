// A node's kubelet, runtime and kernel log every tenant's failures, and a cluster listing shows
// every node: a line that names another pod, container or node than the alarmed one is about
// that one (review 13). Each case comes with the control that shows what decides it.
import { describe, expect, it } from 'vitest';
import type { EvidenceTarget } from '../../../lambdas/core/evidence/bundle.js';
import { topFor } from './support.js';

const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const OTHER_NODE = 'ip-10-0-3-67.eu-west-1.compute.internal';
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const orders: EvidenceTarget = {
  platform: 'eks',
  namespace: 'shop',
  node: NODE,
  pod: 'orders-5b7c9d8f6-t4mnp',
};

/** `kubectl describe pod` of a pod on `node` running `image`, restarting. */
const describeOrders = (image: string) =>
  `Name:             orders-5b7c9d8f6-t4mnp\nNamespace:        shop\nNode:             ${NODE}/10.0.1.23\nStatus:           Running\nContainers:\n  orders:\n    Image:          ${image}\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Restart Count:  5`;
const CONFIG_CRASH =
  '2026-11-22T23:57:20.116Z FATAL config: required environment variable DATABASE_URL is not set';

/** The kubelet's and containerd's lines for a pull of `image` by `pod` that found no such tag. */
function pullNotFound(image: string, pod: string) {
  const ref = `${REGISTRY}/shop/${image}`;
  const notFound = `failed to pull and unpack image \\"${ref}\\": failed to resolve reference \\"${ref}\\": ${ref}: not found`;
  return {
    'kubelet.journal': [
      `2026-11-22T23:56:12+0000 ${NODE} kubelet[3121]: E1122 23:56:12.418227    3121 log.go:32] "PullImage from image service failed" err="rpc error: code = NotFound desc = ${notFound}" image="${ref}"`,
      `2026-11-22T23:56:12+0000 ${NODE} kubelet[3121]: E1122 23:56:12.418530    3121 pod_workers.go:1301] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" with ErrImagePull: \\"rpc error: code = NotFound desc = ${notFound}\\"" pod="shop/${pod}" podUID="0b1c2d3e-0000-4000-8000-00000000abcd"`,
    ].join('\n'),
    'containerd.journal': `2026-11-22T23:56:12+0000 ${NODE} containerd[2890]: time="2026-11-22T23:56:12.402118307Z" level=error msg="PullImage \\"${ref}\\" failed" error="rpc error: code = NotFound desc = ${notFound}"`,
  };
}

describe("review 13: another tenant's lines do not decide the alarmed target's diagnosis", () => {
  it("another pod's missing tag in the node's kubelet and containerd logs does not outweigh the target's own crash", () => {
    const target = {
      'k8s.pods': describeOrders(`${REGISTRY}/shop/orders:3.1.0`),
      'k8s.pod-logs': CONFIG_CRASH,
    };
    expect(
      topFor(orders, { ...target, ...pullNotFound('reports:4.0.0', 'reports-7d9f6c8b5-k2x8q') }),
    ).toBe('crashloop-config-error');
    expect(topFor(orders, target)).toBe('crashloop-config-error');
  });

  it("the target's own missing tag in the same logs is its diagnosis", () => {
    expect(
      topFor(orders, {
        'k8s.pods': describeOrders(`${REGISTRY}/shop/orders:3.1.0`),
        ...pullNotFound('orders:3.1.0', 'orders-5b7c9d8f6-t4mnp'),
      }),
    ).toBe('image-not-found');
  });

  it("a neighbour's line is evidence of a node-wide failure: its pull that found the node's disk full", () => {
    expect(
      topFor(orders, {
        'k8s.pods': describeOrders(`${REGISTRY}/shop/orders:3.1.0`),
        'kubelet.journal': `2026-11-22T23:56:12+0000 ${NODE} kubelet[3121]: E1122 23:56:12.418530    3121 pod_workers.go:1301] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" with ErrImagePull: \\"failed to pull and unpack image \\\\\\"${REGISTRY}/shop/reports:4.0.0\\\\\\": failed to extract layer: write /var/lib/containerd/tmpmounts/x: no space left on device\\"" pod="shop/reports-7d9f6c8b5-k2x8q"`,
      }),
    ).toBe('disk-full');
  });

  const nodes = (notReady: string) =>
    `$ kubectl get nodes\nNAME   STATUS   ROLES    AGE    VERSION\n${NODE}   Ready      <none>   6d6h   v1.30.4-eks-a737599\n${notReady}   NotReady   <none>   6d6h   v1.30.4-eks-a737599`;
  const pending = `Name:             analytics-7b6a5c4d3-x1y2z\nNamespace:        shop\nNode:             <none>\nStatus:           Pending\nEvents:\n  Warning  FailedScheduling  12m   default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`;

  it('another node NotReady in the cluster listing is not why an unscheduled pod is Pending', () => {
    const analytics: EvidenceTarget = {
      platform: 'eks',
      namespace: 'shop',
      pod: 'analytics-7b6a5c4d3-x1y2z',
    };
    expect(topFor(analytics, { 'k8s.pods': pending, 'k8s.cluster': nodes(OTHER_NODE) })).not.toBe(
      'node-not-ready',
    );
    expect(topFor({ ...orders, node: OTHER_NODE }, { 'k8s.cluster': nodes(OTHER_NODE) })).toBe(
      'node-not-ready',
    );
    expect(topFor(orders, { 'k8s.cluster': nodes(OTHER_NODE) })).toBeNull();
  });

  const ours = '14817d66b8acdf8f91fc8489c402fb2e1681a0516932c0a99e97c016b5e54d56';
  const theirs = '5d1f0e2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e';
  /** The kernel's report of an OOM kill of an `nginx` process in container `id`. */
  const oomReport = (id: string) =>
    [
      '[3487150.101877] nginx invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[3487150.102003] memory: usage 262144kB, limit 262144kB, failcnt 1489',
      `[3487150.102311] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-${id}.scope,mems_allowed=0,oom_memcg=/system.slice/docker-${id}.scope,task_memcg=/system.slice/docker-${id}.scope,task=nginx,pid=48211,uid=101`,
      '[3487150.102390] Memory cgroup out of memory: Killed process 48211 (nginx) total-vm:190212kB, anon-rss:258012kB, file-rss:1204kB, shmem-rss:0kB, UID:101 pgtables:560kB oom_score_adj:0',
    ].join('\n');
  const nginx: EvidenceTarget = { platform: 'docker', container: 'nginx', containerId: ours };
  const refused =
    '# probe container=nginx port=8080/tcp\nconnect to 172.17.0.2 port 8080 (tcp) failed: Connection refused';

  it("another container's nginx killed for memory is not the alarmed nginx's kill: its cgroup says whose", () => {
    expect(topFor(nginx, { 'kernel.log': oomReport(theirs), 'net.probe': refused })).toBe(
      'port-not-listening',
    );
    expect(topFor(nginx, { 'kernel.log': oomReport(ours), 'net.probe': refused })).toBe(
      'oom-killed',
    );
  });
});
