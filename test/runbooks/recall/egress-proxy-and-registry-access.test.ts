// Reaching a registry or an outside endpoint: egress-proxy-misconfigured, registry-auth-required
// (and image-not-found as a candidate). Together because each test tells a proxy's or egress
// path's refusal from a registry's answer, a lookup, or a destination inside the cluster.
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { matchedIds, rulebook, top } from './support.js';

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it('a daemon registry request that timed out (context deadline, legacy "Network timed out") is egress; a lookup in it is not', () => {
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": context deadline exceeded',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Pulling repository docker.io/acme/api\nNetwork timed out while trying to connect to https://index.docker.io/v1/repositories/acme/api/images. You may want to check your internet connection or if you are behind a proxy.',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 127.0.0.53:53: read udp 127.0.0.1:4242->127.0.0.53:53: i/o timeout',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
    // The API server's endpoint timing out is the control plane's business, not egress.
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://10.100.0.1:443/api/v1/namespaces/kube-system/configmaps/x": context deadline exceeded',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it("a proxy's 407 in Java's tunnel wording is the proxy's, not a registry's credentials", () => {
    const matched = matchedIds({
      'k8s.pod-logs':
        'Caused by: java.io.IOException: Unable to tunnel through proxy. Proxy returns "HTTP/1.1 407 Proxy Authentication Required"',
    });
    expect(matched[0]).toBe('egress-proxy-misconfigured');
    expect(matched).not.toContain('registry-auth-required');
    // The same tunnel refused for another reason is still the proxy.
    expect(
      top({
        'k8s.pod-logs':
          'java.io.IOException: Unable to tunnel through proxy. Proxy returns "HTTP/1.1 503 Service Unavailable"',
      }),
    ).toBe('egress-proxy-misconfigured');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it('unauthorized after layers of the pull finished stays registry-auth-required: one section can hold several pulls (compose), one of them refused', () => {
    const pull = 'Using default tag: latest\nlatest: Pulling from team/app\n';
    expect(
      top(
        {
          'docker.cli': `${pull}3f4e5d6c7b8a: Pull complete\n9a8b7c6d5e4f: Downloading  120MB/900MB\nunauthorized: authentication required`,
        },
        'docker',
      ),
    ).toBe('registry-auth-required');
  });

  it('GitHub\'s registry\'s bare "denied" (private or missing) leaves both readings as candidates, neither an answer', () => {
    const line =
      'docker: Error response from daemon: Head "https://ghcr.io/v2/team/app/manifests/latest": denied.';
    expect(top({ 'docker.cli': line }, 'docker')).toBeNull();
    const candidates = classifyEvidence(
      rulebook,
      {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'docker' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'docker.cli': { output: line } },
      },
      { threshold: 0.1 },
    ).matches.map((m) => m.runbookId);
    expect(candidates).toEqual(['registry-auth-required', 'image-not-found']);
  });

  it("kubectl's bare status text is a proxy that refused the tunnel (NO_PROXY lacks the cluster); an API server's own refusal is not", () => {
    // Whatever reason phrase the proxy sent (squid's Forbidden, tinyproxy's Filtered).
    for (const line of [
      'Unable to connect to the server: Forbidden',
      'Unable to connect to the server: Access violation',
      'Unable to connect to the server: Filtered',
      'Unable to connect to the server: Proxy Authentication Required',
    ])
      expect(top({ 'k8s.cluster': line }), line).toBe('egress-proxy-misconfigured');
    // Go's own errors (the connection closed, a timeout) are no proxy's phrase.
    for (const line of [
      'Unable to connect to the server: EOF',
      'Unable to connect to the server: unexpected EOF',
      'Unable to connect to the server: context deadline exceeded',
    ])
      expect(top({ 'k8s.cluster': line }), line).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.0.10:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.cluster':
          'Error from server (Forbidden): nodes is forbidden: User "system:anonymous" cannot list resource "nodes"',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

  it('a URL naming a cluster Service that times out is no external endpoint (egress)', () => {
    expect(
      top({
        'k8s.pod-logs':
          'failed to download artifact, error: Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/x.tar.gz": dial tcp 10.0.165.86:80: i/o timeout',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

  it("a dial to a private address behind its URL (the kubernetes Service's ClusterIP) is no external endpoint, so no proxy's business; a policy that isolates egress explains it", () => {
    const timeout =
      'webhook: error building admission chain: Get https://172.30.0.1:443/api: dial tcp 172.30.0.1:443: i/o timeout';
    expect(top({ 'k8s.pod-logs': timeout })).not.toBe('egress-proxy-misconfigured');
    expect(
      top({
        'k8s.pod-logs': timeout,
        'k8s.networkpolicies':
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: webhook\nspec:\n  podSelector:\n    matchLabels:\n      app: webhook\n  policyTypes:\n  - Egress\n  egress:\n  - ports:\n    - port: 443\n      protocol: TCP',
      }),
    ).toBe('network-policy-blocked');
    // A public endpoint timing out is still the egress path's.
    expect(
      top({
        'k8s.pod-logs':
          'Get https://api.example.test/v1/items: dial tcp 203.0.113.7:443: i/o timeout',
      }),
    ).toBe('egress-proxy-misconfigured');
  });

  it('an external name the cluster resolver says does not exist, beside a proxy set for containers, went around the proxy; without a proxy, or with the resolver failing too, it is DNS', () => {
    const lookup =
      'Error: Get "https://charts.example.com/index.yaml": dial tcp: lookup charts.example.com on 10.100.0.10:53: no such host';
    const proxy =
      'env:\n- name: https_proxy\n  value: http://proxy.corp.test:3128/\n- name: no_proxy\n  value: argocd-repo-server,10.0.0.0/8';
    expect(top({ 'k8s.pod-logs': lookup, 'net.proxy': proxy })).toBe('egress-proxy-misconfigured');
    expect(top({ 'k8s.pod-logs': lookup })).toBe('dns-resolution-failure');
    // A Service's name.namespace short form is the cluster's, not a public name.
    expect(
      top({
        'k8s.pod-logs': 'dial tcp: lookup redis.cache on 10.96.0.10:53: no such host',
        'net.proxy': proxy,
      }),
    ).not.toBe('egress-proxy-misconfigured');
    expect(
      top({
        'k8s.pod-logs': `${lookup}\ndial tcp: lookup api.shop.svc.cluster.local on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
        'net.proxy': proxy,
      }),
    ).toBe('dns-resolution-failure');
  });
});

// Held-out round 103: a report pastes each command's output under it, with no heading inside.
describe('round 103: the section command is the heading of a pasted output', () => {
  const classify = (sections: Record<string, { command: string; output: string }>) =>
    classifyEvidence(rulebook, {
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'docker' },
      collectedAt: '2026-11-23T00:00:00Z',
      sections,
    }).matches[0]?.runbookId ?? null;
  const dropIn = {
    command: 'cat /etc/systemd/system/docker.service.d/http-proxy.conf',
    output:
      'Environment="HTTP_PROXY=http://corp%5Cuser:secret@proxy.corp.test:3128"\nEnvironment="NO_PROXY=localhost,127.0.0.1"',
  };

  it("a drop-in's %-encoded proxy that `systemctl show` of the same daemon lacks was dropped by systemd", () => {
    expect(
      classify({
        'docker.daemon-config': dropIn,
        'net.proxy': {
          command: 'sudo systemctl show --property Environment docker',
          output: 'Environment=NO_PROXY=localhost,127.0.0.1',
        },
      }),
    ).toBe('egress-proxy-misconfigured');
    // systemd kept it (the value shown resolved): nothing was dropped.
    expect(
      classify({
        'docker.daemon-config': dropIn,
        'net.proxy': {
          command: 'sudo systemctl show --property Environment docker',
          output:
            'Environment=HTTP_PROXY=http://corp\\user:secret@proxy.corp.test:3128 NO_PROXY=localhost,127.0.0.1',
        },
      }),
    ).toBeNull();
    // Another daemon's environment says nothing of dockerd's.
    expect(
      classify({
        'docker.daemon-config': dropIn,
        'net.proxy': {
          command: 'sudo systemctl show --property Environment containerd',
          output: 'Environment=NO_PROXY=localhost,127.0.0.1',
        },
      }),
    ).toBeNull();
  });
});

describe('round 103 review: a truncated section lost its head', () => {
  it("its command heads none of its first lines: they may not be the command's own", () => {
    const sections = (truncated: boolean) => ({
      'docker.daemon-config': {
        command: 'cat /etc/systemd/system/docker.service.d/http-proxy.conf',
        output: 'Environment="HTTP_PROXY=http://corp%5Cuser:secret@proxy.corp.test:3128"',
      },
      'net.proxy': {
        command: 'sudo systemctl show --property Environment docker',
        output: 'Environment=NO_PROXY=localhost,127.0.0.1',
        truncated,
      },
    });
    const classify = (truncated: boolean) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'docker' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: sections(truncated),
      }).matches[0]?.runbookId ?? null;
    expect(classify(false)).toBe('egress-proxy-misconfigured');
    expect(classify(true)).toBeNull();
  });
});

// Held-out round 108: the node could not ask ECR for its pull token.
describe('round 108: the ECR token endpoint out of reach', () => {
  const noCredentials =
    'RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = Error response from daemon: Get https://602401143452.dkr.ecr.us-east-1.amazonaws.com/v2/eks/pause-amd64/manifests/3.1:  no basic auth credentials';

  it("a token request that timed out explains the registry's missing credentials: a network path, not a login", () => {
    expect(
      top({
        'kubelet.journal': `aws_credentials.go:194] while requesting ECR authorization token RequestError: send request failed\ncaused by: Post https://api.ecr.us-east-1.amazonaws.com/:  dial tcp i/o timeout\n${noCredentials}`,
      }),
    ).toBe('egress-proxy-misconfigured');
    // Through an interface endpoint, refused.
    expect(
      top({
        'kubelet.journal': `caused by: Post "https://vpce-0a1b2c3d-4e5f.api.ecr.eu-west-1.vpce.amazonaws.com/": dial tcp 10.0.3.7:443: connect: connection refused\n${noCredentials}`,
      }),
    ).toBe('egress-proxy-misconfigured');
  });

  it('a lookup of the endpoint that timed out is DNS, and a registry that refused credentials it was given is still auth', () => {
    const ids = (journal: string) => matchedIds({ 'kubelet.journal': journal });
    const lookupTimedOut = ids(
      `caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp: lookup api.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: read udp 10.0.1.5:41234->10.0.0.2:53: i/o timeout\n${noCredentials}`,
    );
    expect(lookupTimedOut).not.toContain('egress-proxy-misconfigured');
    expect(lookupTimedOut).toContain('dns-resolution-failure');
    // ECR's 403 for a token it was given, beside a token request that once timed out.
    expect(
      top({
        'kubelet.journal':
          'caused by: Post https://api.ecr.us-east-1.amazonaws.com/:  dial tcp 10.0.3.7:443: i/o timeout\nfailed to pull image: rpc error: code = Unknown desc = failed to resolve reference "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1": unexpected status from HEAD request to https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/1: 403 Forbidden',
      }),
    ).toBe('registry-auth-required');
  });

  it('without it the missing credentials are a login; a name that does not resolve is no network path', () => {
    expect(top({ 'kubelet.journal': noCredentials })).toBe('registry-auth-required');
    expect(
      top({
        'kubelet.journal':
          'caused by: Post https://api.ecr.us-west-1a.amazonaws.com/: dial tcp: lookup api.ecr.us-west-1a.amazonaws.com on 10.0.0.2:53: no such host',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });
});
