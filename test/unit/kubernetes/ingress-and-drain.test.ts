import { describe, expect, it } from 'vitest';
import { planDrain } from '../../../lambdas/core/kubernetes/drain-plan.js';
import {
  resolveIngressBackends,
  servicesSelectingPod,
} from '../../../lambdas/core/kubernetes/ingress-backends.js';
import type { Endpoints, Ingress, Pod, Service } from '../../../lambdas/core/kubernetes/types.js';

const svc = (
  name: string,
  ports: Service['spec'] extends infer S ? (S extends { ports?: infer P } ? P : never) : never,
  selector = { app: name },
): Service => ({ metadata: { name, namespace: 'shop' }, spec: { selector, ports } });
const eps = (
  name: string,
  ready: string[],
  notReady: string[] = [],
  portName = 'http',
): Endpoints => ({
  metadata: { name, namespace: 'shop' },
  subsets: [
    {
      addresses: ready.map((ip) => ({ ip })),
      notReadyAddresses: notReady.map((ip) => ({ ip })),
      ports: [{ name: portName, port: 8080 }],
    },
  ],
});
const ingress = (
  backends: { path: string; service: string; port: { number?: number; name?: string } }[],
): Ingress => ({
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    rules: [
      {
        host: 'shop.example.test',
        http: {
          paths: backends.map((b) => ({
            path: b.path,
            pathType: 'Prefix',
            backend: { service: { name: b.service, port: b.port } },
          })),
        },
      },
    ],
  },
});

describe('ingress backend resolution', () => {
  const services = [
    svc('web', [{ name: 'http', port: 80, targetPort: 8080 }]),
    svc('api', [{ name: 'http', port: 80, targetPort: 8080 }]),
    svc('admin', [{ name: 'http', port: 80 }]),
  ];
  const endpoints = [
    eps('web', ['10.0.1.5']),
    eps('api', [], ['10.0.1.6']),
    { metadata: { name: 'admin', namespace: 'shop' }, subsets: [] },
  ];
  it('follows rule -> service -> port -> ready endpoints and names what is broken', () => {
    const r = resolveIngressBackends(
      ingress([
        { path: '/', service: 'web', port: { number: 80 } },
        { path: '/api', service: 'api', port: { name: 'http' } },
        { path: '/admin', service: 'admin', port: { number: 80 } },
        { path: '/old', service: 'legacy', port: { number: 80 } },
        { path: '/x', service: 'web', port: { number: 8443 } },
      ]),
      services,
      endpoints,
    );
    expect(r.map((x) => x.status)).toEqual([
      'ok',
      'no-ready-endpoints',
      'no-endpoints',
      'service-not-found',
      'port-not-found',
    ]);
    expect(r[0]!.readyAddresses).toEqual(['10.0.1.5:8080']);
    expect(r[3]!.message).toBe('service "legacy" not found in namespace shop');
    expect(r[4]!.message).toBe('service "web" has no port 8443 (service ports: http 80/TCP)');
    expect(r[2]!.message).toMatch(/has no endpoints/);
  });
  it('finds the services whose selector selects a pod', () => {
    const p: Pod = {
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        labels: { app: 'web', 'pod-template-hash': 'x' },
      },
      spec: { containers: [] },
    };
    expect(servicesSelectingPod(services, p).map((s) => s.metadata?.name)).toEqual(['web']);
  });
});

const owned = (name: string, kind: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: {
    name,
    namespace: 'shop',
    ownerReferences: [{ kind, name: 'owner', controller: true }],
  },
  spec: { containers: [] },
  status: { phase: 'Running' },
  ...extra,
});

describe('drain planning (kubectl drain --ignore-daemonsets)', () => {
  it('evicts controller pods; skips DaemonSet, mirror, finished and terminating pods', () => {
    const plan = planDrain([
      owned('web', 'ReplicaSet'),
      owned('ds', 'DaemonSet'),
      {
        metadata: {
          name: 'static',
          namespace: 'kube-system',
          annotations: { 'kubernetes.io/config.mirror': 'x' },
        },
        spec: { containers: [] },
      },
      owned('done', 'Job', { status: { phase: 'Succeeded' } }),
      {
        ...owned('going', 'ReplicaSet'),
        metadata: {
          name: 'going',
          namespace: 'shop',
          deletionTimestamp: '2026-11-23T08:59:00Z',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'r', controller: true }],
        },
      },
    ]);
    expect(plan.evict.map((p) => p.name)).toEqual(['web']);
    expect(plan.skip.map((p) => `${p.name}: ${p.reason}`)).toEqual([
      'ds: DaemonSet-managed (owner)',
      'static: mirror (static) pod, managed by the kubelet',
      'done: finished (Succeeded)',
      'going: already terminating',
    ]);
    expect(plan.blockers).toEqual([]);
  });
  it('blocks on unmanaged pods unless forced, and on emptyDir when asked to', () => {
    const bare: Pod = {
      metadata: { name: 'bare', namespace: 'shop' },
      spec: { containers: [] },
      status: { phase: 'Running' },
    };
    expect(planDrain([bare]).blockers.map((b) => b.name)).toEqual(['bare']);
    expect(planDrain([bare], { force: true }).evict.map((b) => b.name)).toEqual(['bare']);
    const scratch = owned('scratch', 'ReplicaSet', {
      spec: { containers: [], volumes: [{ name: 'tmp', emptyDir: {} }] },
    });
    expect(planDrain([scratch]).evict).toHaveLength(1);
    expect(planDrain([scratch], { deleteEmptyDirData: false }).blockers[0]!.reason).toMatch(
      /emptyDir/,
    );
  });
});
