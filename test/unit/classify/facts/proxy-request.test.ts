import { describe, expect, it } from 'vitest';
import {
  destinationScope,
  proxyRequest,
} from '../../../../lambdas/core/classify/facts/proxy-request.js';

const facts = (text: string) =>
  proxyRequest.extract('proxy.access-log', text).map((f) => ({ ...f.fields }));

describe('proxy.request', () => {
  it("reads squid's native access log: where the request went and whether the proxy got a reply", () => {
    expect(
      facts(
        '1499844148.511    998 10.133.0.10 TCP_MISS_ABORTED/000 0 GET http://10.254.73.2:10254/healthz - HIER_DIRECT/10.254.73.2 -\n' +
          '1499844149.002     12 10.133.0.10 TCP_MISS/200 512 GET http://deb.example.test/dists/InRelease - HIER_DIRECT/192.0.2.7 text/plain\n' +
          '1499844150.100   3001 10.133.0.11 TCP_TUNNEL/503 0 CONNECT 169.254.169.254:443 - HIER_NONE/- -',
      ),
    ).toEqual([
      {
        client: '10.133.0.10',
        method: 'GET',
        host: '10.254.73.2',
        destination: 'private',
        status: 0,
        failed: true,
      },
      {
        client: '10.133.0.10',
        method: 'GET',
        host: 'deb.example.test',
        destination: 'other',
        status: 200,
        failed: false,
      },
      {
        client: '10.133.0.11',
        method: 'CONNECT',
        host: '169.254.169.254',
        destination: 'link-local',
        status: 503,
        failed: true,
      },
    ]);
  });
  it("reads absolute-form targets in the combined format; a web server's origin-form requests are no proxy requests", () => {
    expect(
      facts(
        '10.0.1.5 - - [12/Jul/2017:07:22:28 +0000] "GET http://web.shop.svc.cluster.local:8080/ready HTTP/1.1" 504 0 "-" "kube-probe/1.5"',
      ),
    ).toMatchObject([{ host: 'web.shop.svc.cluster.local', destination: 'cluster', failed: true }]);
    expect(
      facts('10.0.1.5 - - [12/Jul/2017:07:22:28 +0000] "GET /healthz HTTP/1.1" 503 0 "-" "curl/8"'),
    ).toEqual([]);
  });
  it('scopes destinations: loopback, link-local, RFC 1918 and shared space, ULA, cluster names', () => {
    expect(
      [
        '127.0.0.1',
        'localhost',
        '169.254.169.254',
        'fe80::1',
        '10.1.2.3',
        '172.16.0.1',
        '172.32.0.1',
        '192.168.1.1',
        '100.64.0.1',
        'fd00::1',
        'kubernetes.default',
        'example.test',
      ].map(destinationScope),
    ).toEqual([
      'loopback',
      'loopback',
      'link-local',
      'link-local',
      'private',
      'private',
      'other',
      'private',
      'private',
      'private',
      'cluster',
      'other',
    ]);
  });
});

describe('proxy.request on hostile text', () => {
  it('stays linear on long runs without spaces or quotes', () => {
    const runs = [
      `"GET /${'a'.repeat(16_000)}`,
      `"GET http://${'a'.repeat(16_000)}`,
      '"GET /x'.repeat(2_000),
      'TCP'.repeat(5_000),
      `1499844148.511 1 ${'a'.repeat(16_000)}`,
    ].join('\n');
    const started = process.cpuUsage();
    for (let i = 0; i < 20; i++) {
      proxyRequest.mayContain(runs);
      proxyRequest.extract('s', runs);
    }
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(1000);
  });
});
