import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';

let rulebook: CompiledRulebook;
beforeAll(() => {
  rulebook = loadRulebook();
});
const classify = (platform: 'docker' | 'eks', sections: Record<string, string>) =>
  classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target: { platform },
    collectedAt: '2026-12-02T10:05:00Z',
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  });
const top = (platform: 'docker' | 'eks', sections: Record<string, string>) =>
  classify(platform, sections).matches[0]?.runbookId ?? null;

const PS = [
  'CONTAINER ID   IMAGE   COMMAND      CREATED         STATUS         PORTS                                   NAMES',
  'a1b2c3d4e5f6   web     "node ."     2 minutes ago   Up 2 minutes   0.0.0.0:8080->3000/tcp, :::8080->3000/tcp   web',
  'f6e5d4c3b2a1   app     "gunicorn"   2 minutes ago   Up 2 minutes                                           app',
].join('\n');

// The joins through the whole library: each half alone is healthy elsewhere, only the join classifies.
describe('cross-section joins classify with the runbook library', () => {
  it('a published port whose server binds 127.0.0.1 in the container is port-not-listening', () => {
    const result = classify('docker', {
      'docker.ps': PS,
      'net.sockets':
        '# host\n# netns container=web pid=4242\nLISTEN 0 511 127.0.0.1:3000 0.0.0.0:*',
    });
    expect(result.matches[0]).toMatchObject({ runbookId: 'port-not-listening' });
    // Both halves are shown: the published port and the listener.
    expect(result.matches[0]!.evidence.map((e) => e.section)).toEqual(['docker.ps', 'net.sockets']);
  });

  it("a structured log's address key announcing localhost on the published port is port-not-listening", () => {
    const ready =
      'time=2026-12-02T10:01:00.000Z level=INFO msg="Ready to serve requests" addr=http://localhost:3000';
    expect(top('docker', { 'docker.ps': PS, 'docker.logs': ready })).toBe('port-not-listening');
    // The same record announcing every address is a reachable listener.
    expect(
      top('docker', { 'docker.ps': PS, 'docker.logs': ready.replace('localhost', '0.0.0.0') }),
    ).toBeNull();
    // An address key without a verb of serving (a client's dial target) announces nothing.
    expect(
      top('docker', {
        'docker.ps': PS,
        'docker.logs': 'level=INFO msg="cache configured" addr=localhost:3000',
      }),
    ).toBeNull();
  });

  it('negative: a loopback listener on an unpublished port stays unclassified', () => {
    expect(
      top('docker', {
        'docker.ps': PS,
        'net.sockets':
          '# netns container=web pid=4242\nLISTEN 0 511 0.0.0.0:3000 0.0.0.0:*\n# netns container=app pid=4343\nLISTEN 0 2048 127.0.0.1:8000 0.0.0.0:*',
      }),
    ).toBeNull();
  });

  it('an ingress upstream failing for a Service that selects another app is ingress-backend-misconfigured', () => {
    const service =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n  labels:\n    app: cart\nspec:\n  ports:\n  - port: 80\n    targetPort: 8080\n  selector:\n    app: catalog';
    const log =
      '10.0.0.1 - - [02/Dec/2026:10:01:00 +0000] "GET /cart HTTP/1.1" 502 150 "-" "curl/8.5.0" 80 0.001 [shop-cart-80] [] 10.0.4.4:8080 0 0.001 502 f00';
    expect(top('eks', { 'k8s.services': service, 'k8s.pod-logs': log })).toBe(
      'ingress-backend-misconfigured',
    );
    // The selector agrees with the Service's own labels: the 502 alone is no selector fault.
    expect(
      top('eks', {
        'k8s.services': service.replace('app: catalog', 'app: cart'),
        'k8s.pod-logs': log,
      }),
    ).not.toBe('ingress-backend-misconfigured');
  });

  it('negative: a selector key the Service does not carry narrowing out a pod of the same app stays healthy', () => {
    const services = [
      '$ kubectl describe service -n shop web',
      'Name:                     web',
      'Namespace:                shop',
      'Labels:                   app=web',
      'Selector:                 app=web,tier=frontend',
      'Port:                     http  80/TCP',
      'Endpoints:                10.0.3.7:8080',
      '',
      '$ kubectl describe ingress -n shop web',
      'Name:             web',
      'Namespace:        shop',
      'Rules:',
      '  Host               Path  Backends',
      '  shop.example.test',
      '                     /      web:80 (10.0.3.7:8080)',
    ].join('\n');
    const pods = [
      'Name:             web-worker-5d8f7c6b9-x2x2x',
      'Namespace:        shop',
      'Node:             ip-10-0-1-23.eu-west-1.compute.internal/10.0.1.23',
      'Labels:           app=web',
      '                  tier=backend',
      'Status:           Running',
    ].join('\n');
    expect(top('eks', { 'k8s.services': services, 'k8s.pods': pods })).toBeNull();
  });

  it("a lookup failing for the proxy's own host:port is egress-proxy-misconfigured; another host's is not", () => {
    const proxy = 'ENV HTTPS_PROXY=http://egress.corp.test:3128/';
    expect(
      top('eks', {
        'net.proxy': proxy,
        'k8s.pod-logs': 'upload failed: getaddrinfo EAI_AGAIN egress.corp.test:3128',
      }),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top('eks', {
        'net.proxy': proxy,
        'k8s.pod-logs': 'upload failed: getaddrinfo EAI_AGAIN files.corp.test:443',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

  it('the engine hands joins the incident window: a proxy failure from before it proves nothing', () => {
    const sections = (at: string) => ({
      'net.proxy': 'ENV HTTPS_PROXY=http://egress.corp.test:3128/',
      'k8s.pod-logs': `${at} upload failed: getaddrinfo EAI_AGAIN egress.corp.test:3128`,
    });
    expect(top('eks', sections('2026-12-02T10:04:00Z'))).toBe('egress-proxy-misconfigured');
    expect(top('eks', sections('2026-12-02T08:00:00Z'))).toBeNull();
  });

  it("a node's own df below its kubelet's eviction threshold is node-disk-pressure; the same disk without the config is nothing", () => {
    const config = {
      'kubelet.config':
        '# /etc/kubernetes/kubelet/kubelet-config.json\n{\n  "kind": "KubeletConfiguration",\n  "evictionHard": {\n    "memory.available": "100Mi",\n    "nodefs.available": "15%"\n  }\n}',
    };
    const df = (availKb: number, use: string) =>
      `Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/nvme0n1p1    83873772 70000000 ${availKb} ${use} /\ntmpfs 100 0 100 0% /run`;
    const result = classify('eks', { ...config, 'disk.df': df(11_000_000, '87%') });
    expect(result.matches[0]).toMatchObject({ runbookId: 'node-disk-pressure' });
    // Both halves are shown: the df row and the threshold.
    expect(result.matches[0]!.evidence.map((e) => e.section)).toEqual([
      'disk.df',
      'kubelet.config',
    ]);
    expect(top('eks', { ...config, 'disk.df': df(13_000_000, '85%') })).toBeNull();
    expect(top('eks', { 'disk.df': df(11_000_000, '87%') })).toBeNull();
  });
});
