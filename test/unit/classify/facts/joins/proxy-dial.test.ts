import { describe, expect, it } from 'vitest';
import { proxyDial } from '../../../../../lambdas/core/classify/facts/joins/proxy-dial.js';
import { joined } from './join-input.js';

describe('proxy.dial (a failing dial or lookup naming the configured proxy)', () => {
  it("joins getaddrinfo's EAI_AGAIN naming proxy:8080 with the container's HTTP_PROXY", () => {
    const facts = joined(proxyDial, {
      'net.proxy': 'ENV HTTP_PROXY=http://proxy:8080/\nENV HTTPS_PROXY=http://proxy:8080/',
      'k8s.pod-logs':
        '[Warning] Query exception while trying to get pod info: Resource temporarily unavailable (proxy:8080)',
    });
    expect(facts).toEqual([{ proxy: 'proxy:8080', variable: 'http_proxy', scope: 'container' }]);
  });

  it("joins Go's proxyconnect refusal with the daemon's drop-in, credentials in the URL aside", () => {
    const facts = joined(proxyDial, {
      'net.proxy':
        '# systemctl show --property Environment docker\nEnvironment=HTTPS_PROXY=http://user:secret@10.0.0.5:3128/',
      'docker.cli':
        'Error response from daemon: Get "https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp 10.0.0.5:3128: connect: connection refused',
    });
    expect(facts).toEqual([{ proxy: '10.0.0.5:3128', variable: 'https_proxy', scope: 'daemon' }]);
  });

  it('negative: a proxy is configured but the failures name another host', () => {
    const facts = joined(proxyDial, {
      'net.proxy': 'export https_proxy=http://proxy.corp.test:3128',
      'k8s.pod-logs': [
        'dial tcp 10.0.0.9:443: connect: connection refused',
        'getaddrinfo EAI_AGAIN orders.shop.svc.cluster.local',
        'connect ECONNREFUSED myproxy.corp.test:3128',
        'connect ECONNREFUSED proxy.corp.test:31280',
      ].join('\n'),
    });
    expect(facts).toEqual([]);
  });

  it('negative: the setting itself, and lines naming the proxy without a failure, are no dial', () => {
    const facts = joined(proxyDial, {
      'net.proxy': 'HTTPS_PROXY=http://proxy.corp.test:3128 (connect: via env)',
      'docker.journal':
        'level=info msg="using proxy proxy.corp.test:3128 for registry-1.docker.io (timeout=30s)"',
    });
    expect(facts).toEqual([]);
  });

  it('a commented-out or empty proxy joins nothing', () => {
    expect(
      joined(proxyDial, {
        'net.proxy': '#Environment="HTTPS_PROXY=http://xxx:8080/"\nHTTPProxy= HTTPSProxy=',
        'docker.cli': 'dial tcp xxx:8080: connect: connection refused',
      }),
    ).toEqual([]);
  });

  it('a failure logged before the incident window proves nothing', () => {
    const sections = {
      'net.proxy': 'export HTTPS_PROXY=http://10.0.0.5:3128',
      'k8s.pod-logs': '2026-12-02T09:00:00Z proxyconnect tcp: dial tcp 10.0.0.5:3128: i/o timeout',
    };
    expect(joined(proxyDial, sections)).toHaveLength(1);
    expect(joined(proxyDial, sections, (_s, line) => !line.startsWith('2026-12-02T09'))).toEqual(
      [],
    );
  });
});
