import { describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../../../lambdas/core/evidence/bundle.js';
import { mayNeedDeferredReaders } from '../../../../lambdas/core/classify/facts/load-deferred-readers-for.js';

const bundle = (output: string): EvidenceBundle => ({
  schema: 'paramedic.evidence/v1',
  target: { platform: 'docker', instanceId: 'i-0abc' },
  collectedAt: '2026-12-03T00:00:00Z',
  sections: { 'net.proxy': { command: 'proxy', exitCode: 0, truncated: false, output } },
});

describe('when the deferred readers load: whenever an extractor they read may find facts', () => {
  it.each([
    ['docker info', '$ docker info\n HTTPS Proxy: http://proxy.corp:3128\n No Proxy: localhost'],
    [
      'daemon.json',
      '# cat /etc/docker/daemon.json\n{"proxies": {"https-proxy": "http://proxy.corp:3128"}}',
    ],
    ['an environ', 'HTTPS_PROXY=http://proxy.corp:3128'],
    [
      'an egress rule list cut out of a policy',
      '  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/8',
    ],
    ['a bare `- to:` peer list', '- to:\n  - namespaceSelector: {}'],
  ])('%s', (_name, output) => {
    expect(mayNeedDeferredReaders(bundle(output))).toBe(true);
  });

  it('near miss: kube-proxy and a proxy word alone are no proxy setting', () => {
    expect(
      mayNeedDeferredReaders(bundle('kube-proxy-7x2lq  1/1  Running\nreverse proxy at :8080')),
    ).toBe(false);
  });
});
