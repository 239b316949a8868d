import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  LabelSelectorError,
  matchesLabelSelector,
} from '../../../lambdas/core/kubernetes/label-selector.js';
import {
  effectivePolicyTypes,
  evaluateTraffic,
  ipInCidr,
  judgeFlow,
  policiesSelectingPod,
} from '../../../lambdas/core/kubernetes/network-policy.js';
import type { NetworkPolicy, Pod } from '../../../lambdas/core/kubernetes/types.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'frontend', env: 'prod' };
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'Exists' }] },
      false,
    ],
    [{}, true],
  ])('%j -> %s', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });
  it('rejects In without values and unknown operators', () => {
    expect(() =>
      matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, {}),
    ).toThrow(LabelSelectorError);
    expect(() =>
      matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, {}),
    ).toThrow(/unknown operator "Gt"/);
  });
  it('formats like apimachinery (sorted by key)', () => {
    expect(
      formatLabelSelector({
        matchLabels: { tier: 'fe', app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['dev', 'ci'] },
          { key: 'b', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,!b,env notin (ci,dev),tier=fe');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});

const pod = (
  name: string,
  ns: string,
  labels: Record<string, string>,
  port?: { name: string; port: number },
): Pod => ({
  metadata: { name, namespace: ns, labels },
  spec: {
    containers: [{ name: 'c', ports: port ? [{ name: port.name, containerPort: port.port }] : [] }],
  },
});
const policy = (
  name: string,
  spec: NonNullable<NetworkPolicy['spec']>,
  ns = 'shop',
): NetworkPolicy => ({ metadata: { name, namespace: ns }, spec });

describe('NetworkPolicy evaluation', () => {
  const api = pod('api', 'shop', { app: 'api' }, { name: 'http', port: 8080 });
  const web = {
    namespace: 'shop',
    labels: { app: 'web' },
    namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' },
  };
  const denyAll = policy('deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
  const allowWeb = policy('allow-web', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] },
    ],
  });

  it('allows everything when no policy selects the pod', () => {
    expect(
      evaluateTraffic([policy('other', { podSelector: { matchLabels: { app: 'db' } } })], api, {
        direction: 'ingress',
        peer: web,
        port: 8080,
      }),
    ).toMatchObject({ allowed: true, isolated: false });
  });
  it('denies by default once a selecting policy applies to the direction', () => {
    const v = evaluateTraffic([denyAll], api, { direction: 'ingress', peer: web, port: 8080 });
    expect(v).toMatchObject({ allowed: false, isolated: true, isolatingPolicies: ['deny-all'] });
    expect(v.reason).toMatch(/denied by NetworkPolicy/);
  });
  it('an ingress-only policy does not isolate egress', () => {
    expect(
      evaluateTraffic([denyAll], api, { direction: 'egress', peer: web, port: 53, protocol: 'UDP' })
        .allowed,
    ).toBe(true);
  });
  it('allows a peer and a named port some rule matches; rules add up across policies', () => {
    expect(
      evaluateTraffic([denyAll, allowWeb], api, { direction: 'ingress', peer: web, port: 8080 }),
    ).toMatchObject({ allowed: true, allowedBy: ['allow-web'] });
    expect(
      evaluateTraffic([denyAll, allowWeb], api, { direction: 'ingress', peer: web, port: 9090 })
        .allowed,
    ).toBe(false);
    expect(
      evaluateTraffic([denyAll, allowWeb], api, {
        direction: 'ingress',
        peer: web,
        port: 8080,
        protocol: 'UDP',
      }).allowed,
    ).toBe(false);
    expect(
      evaluateTraffic([denyAll, allowWeb], api, {
        direction: 'ingress',
        peer: { ...web, labels: { app: 'frontend' } },
        port: 8080,
      }).allowed,
    ).toBe(false);
  });
  it('podSelector alone means the policy namespace; namespaceSelector opens other namespaces', () => {
    const otherNs = { namespace: 'ops', labels: { app: 'web' }, namespaceLabels: { team: 'ops' } };
    expect(
      evaluateTraffic([allowWeb], api, { direction: 'ingress', peer: otherNs, port: 8080 }).allowed,
    ).toBe(false);
    const both = policy('ops-web', {
      podSelector: {},
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'ops' } },
              podSelector: { matchLabels: { app: 'web' } },
            },
          ],
        },
      ],
    });
    expect(
      evaluateTraffic([both], api, { direction: 'ingress', peer: otherNs, port: 8080 }).allowed,
    ).toBe(true);
    expect(
      evaluateTraffic([both], api, {
        direction: 'ingress',
        peer: { ...otherNs, labels: { app: 'x' } },
        port: 8080,
      }).allowed,
    ).toBe(false);
  });
  it('ipBlock with except, port ranges, and empty from/ports', () => {
    const egress = policy('egress', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } }],
          ports: [{ protocol: 'TCP', port: 5432, endPort: 5440 }],
        },
      ],
    });
    expect(
      evaluateTraffic([egress], api, { direction: 'egress', peer: { ip: '10.0.1.9' }, port: 5433 })
        .allowed,
    ).toBe(true);
    expect(
      evaluateTraffic([egress], api, { direction: 'egress', peer: { ip: '10.0.5.9' }, port: 5433 })
        .allowed,
    ).toBe(false);
    expect(
      evaluateTraffic([egress], api, { direction: 'egress', peer: { ip: '10.0.1.9' }, port: 5441 })
        .allowed,
    ).toBe(false);
    const open = policy('open', { podSelector: {}, ingress: [{}] });
    expect(
      evaluateTraffic([open], api, { direction: 'ingress', peer: { ip: '203.0.113.7' }, port: 1 })
        .allowed,
    ).toBe(true);
    expect(ipInCidr('192.168.1.1', '192.168.0.0/23')).toBe(true);
    expect(ipInCidr('192.168.2.1', '192.168.0.0/23')).toBe(false);
    // IPv6 blocks (dual-stack and IPv6 clusters) are evaluated; families never match across.
    expect(ipInCidr('fd00:10:96::a', 'fd00:10:96::/108')).toBe(true);
    expect(ipInCidr('fd00:10:97::a', 'fd00:10:96::/108')).toBe(false);
    expect(ipInCidr('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(false);
    expect(ipInCidr('10.0.0.1', 'not-a-cidr')).toBe(false);
  });
  it("reads addresses and blocks only in the API server's forms: dotted quads without leading zeros, IPv6 without a zone", () => {
    expect(ipInCidr('10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(ipInCidr('10.0.0.1', '10.0.0.1')).toBe(true);
    // ipaddr.js alone reads these as 10.0.0.1; Go's net.ParseIP rejects them.
    for (const loose of ['10.1', '0xa.0.0.1', '167772161', '10.0.0.01'])
      expect(ipInCidr(loose, '10.0.0.0/8')).toBe(false);
    // Octal `010` is 8 to ipaddr.js, 10 (or an error) to the API server: matches nothing.
    expect(ipInCidr('8.0.0.1', '010.0.0.0/8')).toBe(false);
    expect(ipInCidr('10.0.0.1', '010.0.0.0/8')).toBe(false);
    expect(ipInCidr('10.0.0.1', '10.0.0.0/08')).toBe(false);
    expect(ipInCidr('10.0.0.1', '10.0.0.0/33')).toBe(false);
    expect(ipInCidr('fd00::1%eth0', 'fd00::/8')).toBe(false);
    expect(ipInCidr('fd00::1', 'fd00::/8')).toBe(true);
  });
  it('defaults policyTypes like the API server', () => {
    expect([...effectivePolicyTypes(policy('a', { podSelector: {} }))]).toEqual(['Ingress']);
    expect([...effectivePolicyTypes(policy('b', { podSelector: {}, egress: [{}] }))]).toEqual([
      'Ingress',
      'Egress',
    ]);
    expect(
      policiesSelectingPod([denyAll, policy('elsewhere', { podSelector: {} }, 'ops')], api).map(
        (p) => p.metadata?.name,
      ),
    ).toEqual(['deny-all']);
  });
  it('judges a pod-to-pod flow at both ends', () => {
    const webPod = pod('web', 'shop', { app: 'web' });
    const egressDeny = policy('web-no-egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
    });
    const f = judgeFlow([allowWeb, egressDeny], { pod: webPod }, { pod: api }, 8080);
    expect(f).toMatchObject({
      from: 'shop/web',
      to: 'shop/api',
      allowed: false,
      policies: ['web-no-egress'],
    });
    expect(judgeFlow([denyAll, allowWeb], { pod: webPod }, { pod: api }, 8080).allowed).toBe(true);
  });
});
