import { describe, expect, it } from 'vitest';
import {
  renderClusterStatus,
  type ClusterStatus,
} from '../../../lambdas/core/kubernetes/render/cluster-status.js';
import { renderGetServices } from '../../../lambdas/core/kubernetes/render/get-tables.js';
import type { Service } from '../../../lambdas/core/kubernetes/types.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** The cluster DNS Service as the EKS CoreDNS add-on creates it. */
const KUBE_DNS: Service = {
  metadata: { name: 'kube-dns', namespace: 'kube-system', creationTimestamp: daysAgo(9) },
  spec: {
    type: 'ClusterIP',
    selector: { 'k8s-app': 'kube-dns' },
    clusterIP: '10.100.0.10',
    clusterIPs: ['10.100.0.10'],
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ],
  },
};

/** A healthy cluster's reads, with the cluster DNS Service's read as given. */
const status = (dnsService: ClusterStatus['dnsService']): ClusterStatus => ({
  server: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
  readyz: { ok: true, value: { status: 200, body: 'readyz check passed\n' } },
  version: { ok: true, value: { gitVersion: 'v1.30.4-eks-a737599' } },
  nodes: { ok: true, value: [] },
  coreDns: { ok: true, value: [] },
  dnsService,
});

/** What k8s.cluster shows after its cluster DNS Service prompt. */
const dnsBlock = (s: ClusterStatus) =>
  renderClusterStatus(s, NOW).split('$ kubectl -n kube-system get service kube-dns\n')[1];

describe('k8s.cluster: the cluster DNS Service, after the CoreDNS pods', () => {
  it('prints `kubectl -n kube-system get service kube-dns` as kubectl does, after the CoreDNS line', () => {
    const out = renderClusterStatus(status({ ok: true, value: KUBE_DNS }), NOW);
    expect(out).toContain(
      [
        '$ kubectl -n kube-system get pods -l k8s-app=kube-dns',
        'CoreDNS: 0/0 pods ready',
        '',
        '$ kubectl -n kube-system get service kube-dns',
        'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE',
        'kube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d',
        '',
      ].join('\n'),
    );
    expect(out.endsWith('9d\n')).toBe(true);
  });

  it('a 404 (a cluster that names its DNS Service coredns) is one neutral line, not kubectl NotFound wording', () => {
    const block = dnsBlock(
      status({
        ok: false,
        failure: {
          kind: 'http',
          server: 'x:443',
          status: 404,
          reason: 'NotFound',
          message: 'services "kube-dns" not found',
        },
      }),
    );
    expect(block).toBe('(no Service kube-dns in kube-system)\n');
  });

  it("a 403 is kubectl's error line", () => {
    const message =
      'services "kube-dns" is forbidden: User "paramedic" cannot get resource "services" in API group "" in the namespace "kube-system"';
    const block = dnsBlock(
      status({
        ok: false,
        failure: { kind: 'http', server: 'x:443', status: 403, reason: 'Forbidden', message },
      }),
    );
    expect(block).toBe(`Error from server (Forbidden): ${message}\n`);
  });
});

describe('kubectl get services', () => {
  const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({
    metadata: { name, creationTimestamp: daysAgo(2) },
    spec,
    ...(status ? { status } : {}),
  });

  it("shows the first ClusterIP of a dual-stack Service, node ports, and each type's EXTERNAL-IP", () => {
    const out = renderGetServices(
      [
        svc('dual', {
          type: 'ClusterIP',
          clusterIP: '10.100.7.7',
          clusterIPs: ['10.100.7.7', 'fd00::7'],
          ports: [{ port: 80, protocol: 'TCP' }],
        }),
        svc('np', {
          type: 'NodePort',
          clusterIP: '10.100.1.2',
          ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
        }),
        svc('lb', {
          type: 'LoadBalancer',
          clusterIP: '10.100.3.4',
          ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }],
        }),
        svc(
          'elb',
          { type: 'LoadBalancer', clusterIP: '10.100.5.6', ports: [{ port: 443 }] },
          { loadBalancer: { ingress: [{ hostname: 'a1b2c3.elb.eu-west-1.amazonaws.com' }] } },
        ),
        svc('headless', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
        svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
      ],
      NOW,
    );
    expect(out).toBe(
      [
        'NAME       TYPE           CLUSTER-IP   EXTERNAL-IP        PORT(S)         AGE',
        'dual       ClusterIP      10.100.7.7   <none>             80/TCP          2d',
        'np         NodePort       10.100.1.2   <none>             80:30080/TCP    2d',
        'lb         LoadBalancer   10.100.3.4   <pending>          443:31443/TCP   2d',
        'elb        LoadBalancer   10.100.5.6   a1b2c3.elb.eu...   443/TCP         2d',
        'headless   ClusterIP      None         <none>             <none>          2d',
        'ext        ExternalName   <none>       db.example.com     <none>          2d',
        '',
      ].join('\n'),
    );
  });
});
