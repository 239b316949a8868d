import { describe, expect, it } from 'vitest';
import { dnsResolver } from '../../../../../lambdas/core/classify/facts/joins/dns-resolver.js';
import { renderClusterStatus } from '../../../../../lambdas/core/kubernetes/render/cluster-status.js';
import { joined } from './join-input.js';

const KUBE_DNS = [
  '$ kubectl -n kube-system get service kube-dns',
  'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE',
  'kube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d',
].join('\n');
const POD_RESOLV_CONF = (nameserver: string) =>
  [
    'search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal',
    `nameserver ${nameserver}`,
    'options ndots:5',
  ].join('\n');

describe('dns.resolver (the resolver pods are given, joined with the cluster DNS Service)', () => {
  it("a pod's resolv.conf naming another address than kube-dns's is not the cluster DNS; the Service's own, or a node-local cache, is", () => {
    const of = (nameserver: string) =>
      joined(dnsResolver, { 'net.dns': POD_RESOLV_CONF(nameserver), 'k8s.cluster': KUBE_DNS });
    expect(of('10.100.0.1')).toEqual([
      {
        nameserver: '10.100.0.1',
        source: 'pod-resolv.conf',
        clusterDns: '10.100.0.10',
        isClusterDns: false,
      },
    ]);
    expect(of('10.100.0.10')).toMatchObject([{ isClusterDns: true }]);
    expect(of('169.254.20.10')).toMatchObject([{ isClusterDns: true }]);
  });

  it("reads the kubelet's clusterDNS in kubelet-config.json (one line or several), KubeletConfiguration YAML and the flag", () => {
    const kubelet = (config: string) =>
      joined(dnsResolver, { 'kubelet.config': config, 'k8s.cluster': KUBE_DNS }).map((f) => [
        f.source,
        f.nameserver,
        f.isClusterDns,
      ]);
    expect(
      kubelet(
        '{\n  "clusterDomain": "cluster.local",\n  "clusterDNS": ["10.100.0.1"],\n  "maxPods": 29\n}',
      ),
    ).toEqual([['kubelet', '10.100.0.1', false]]);
    expect(kubelet('{\n  "clusterDNS": [\n    "10.100.0.10"\n  ],\n  "maxPods": 29\n}')).toEqual([
      ['kubelet', '10.100.0.10', true],
    ]);
    expect(kubelet('clusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local')).toEqual([
      ['kubelet', '10.96.0.10', false],
    ]);
    expect(
      kubelet('ExecStart=/usr/bin/kubelet --cluster_dns=10.3.0.1 --cluster_domain=cluster.local'),
    ).toEqual([['kubelet', '10.3.0.1', false]]);
  });

  it("of the kubelet's files one section prints, the last clusterDNS is the one in effect (a drop-in overrides config.json)", () => {
    const files = (configJson: string, dropIn: string) =>
      joined(dnsResolver, {
        'kubelet.config': [
          '# /etc/kubernetes/kubelet/config.json',
          `{\n    "clusterDNS": [\n        "${configJson}"\n    ]\n}`,
          '# /etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf',
          `{\n    "clusterDNS": [\n        "${dropIn}"\n    ]\n}`,
        ].join('\n'),
        'k8s.cluster': KUBE_DNS,
      }).map((f) => [f.nameserver, f.isClusterDns]);
    expect(files('10.96.0.10', '10.100.0.10')).toEqual([['10.100.0.10', true]]);
    expect(files('10.100.0.10', '10.100.0.100')).toEqual([['10.100.0.100', false]]);
  });

  it("reads kubectl's listing without the TYPE column (before 1.5) and with -A; coredns is the Service's other name", () => {
    const old = 'kube-system   kube-dns           10.3.0.10    <none>        53/UDP,53/TCP   9d';
    expect(
      joined(dnsResolver, { 'net.dns': POD_RESOLV_CONF('10.3.0.1'), 'k8s.services': old }),
    ).toMatchObject([{ clusterDns: '10.3.0.10', isClusterDns: false }]);
    const all = 'kube-system   coredns   ClusterIP   fd00:10:96::a   <none>   53/UDP,53/TCP   9d';
    expect(
      joined(dnsResolver, { 'net.dns': POD_RESOLV_CONF('fd00:10:96::a'), 'k8s.services': all }),
    ).toMatchObject([{ isClusterDns: true }]);
  });

  it("reads the cluster DNS Service as the cluster reader prints it in k8s.cluster, against the EKS collector's kubelet-config.json", () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const cluster = renderClusterStatus(
      {
        server: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        readyz: { ok: true, value: { status: 200, body: 'readyz check passed\n' } },
        version: { ok: true, value: { gitVersion: 'v1.30.4-eks-a737599' } },
        nodes: { ok: true, value: [] },
        coreDns: { ok: true, value: [] },
        dnsService: {
          ok: true,
          value: {
            metadata: {
              name: 'kube-dns',
              namespace: 'kube-system',
              creationTimestamp: '2026-11-14T09:00:00Z',
            },
            spec: {
              type: 'ClusterIP',
              clusterIP: '172.20.0.10',
              ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }],
            },
          },
        },
      },
      now,
    );
    const kubeletConfig =
      '# /etc/kubernetes/kubelet/kubelet-config.json\n{\n  "kind": "KubeletConfiguration",\n  "clusterDNS": [\n    "10.100.0.10"\n  ],\n  "clusterDomain": "cluster.local"\n}';
    expect(
      joined(dnsResolver, { 'kubelet.config': kubeletConfig, 'k8s.cluster': cluster }),
    ).toEqual([
      {
        nameserver: '10.100.0.10',
        source: 'kubelet',
        clusterDns: '172.20.0.10',
        isClusterDns: false,
      },
    ]);
  });

  it("a list that also names the cluster DNS is not wrong: a resolver a pod's dnsConfig adds, the second family of a dual-stack kubelet", () => {
    expect(
      joined(dnsResolver, {
        'net.dns': `${POD_RESOLV_CONF('10.100.0.10')}\nnameserver 1.1.1.1`,
        'k8s.cluster': KUBE_DNS,
      }).map((f) => [f.nameserver, f.isClusterDns]),
    ).toEqual([
      ['10.100.0.10', true],
      ['1.1.1.1', true],
    ]);
    expect(
      joined(dnsResolver, {
        'kubelet.config': '{\n  "clusterDNS": ["10.100.0.10", "fd00:10:96::a"]\n}',
        'k8s.cluster': KUBE_DNS,
      }).map((f) => f.isClusterDns),
    ).toEqual([true, true]);
  });

  it("reads only the pod's own resolv.conf block: the node's, printed above it, is not a pod's", () => {
    expect(
      joined(dnsResolver, {
        'net.dns': `search ec2.internal\nnameserver 10.0.0.2\n$ crictl exec web cat /etc/resolv.conf\n${POD_RESOLV_CONF('10.100.0.10')}`,
        'k8s.cluster': KUBE_DNS,
      }).map((f) => [f.nameserver, f.isClusterDns]),
    ).toEqual([['10.100.0.10', true]]);
  });

  it('a clusterDNS list cut before it closes stops at the first line that is not an address; a time is no address', () => {
    expect(
      joined(dnsResolver, {
        'kubelet.config':
          '{\n  "clusterDNS": [\n    "10.100.0.1"\n# ... 40 lines cut ...\nBUILD_TIME="Sun Nov 22 23:58:20 UTC 2026"',
        'k8s.cluster': KUBE_DNS,
      }).map((f) => f.nameserver),
    ).toEqual(['10.100.0.1']);
  });

  it('stays linear on a hostile clusterDNS line', () => {
    const started = performance.now();
    joined(dnsResolver, {
      'k8s.pod-logs': `clusterDNS: ${'['.repeat(200_000)}]`,
      'k8s.cluster': KUBE_DNS,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("decides nothing without the Service's address, and a node's own resolv.conf (no cluster search domains) is no pod's", () => {
    expect(joined(dnsResolver, { 'net.dns': POD_RESOLV_CONF('10.100.0.1') })).toEqual([]);
    expect(
      joined(dnsResolver, {
        'net.dns': 'search ec2.internal\nnameserver 10.0.0.2',
        'k8s.cluster': KUBE_DNS,
      }),
    ).toEqual([]);
  });
});
