import { describe, expect, it } from 'vitest';
import { policyIsolation } from '../../../../lambdas/core/classify/facts/policy-isolation.js';
import {
  ALLOW_DNS,
  NAMESPACE_ONLY,
  policyManifest,
} from '../../../fixtures/kubernetes/network-policies.js';

const facts = (text: string) =>
  policyIsolation.extract('k8s.networkpolicies', text).map((f) => ({ ...f.fields }));

describe('netpol.isolation', () => {
  it('finds a deny-all egress policy in YAML (policyTypes without rules)', () => {
    const yaml =
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: default-allow-nothing\n  namespace: nginx\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress';
    expect(facts(yaml)).toEqual([
      {
        policy: 'default-allow-nothing',
        direction: 'egress',
        denyAll: true,
        selectsAll: true,
        dnsBlocked: true,
      },
    ]);
  });
  it('implies Ingress when policyTypes is absent and keeps a policy with rules apart from a deny-all one', () => {
    const yaml =
      'kind: NetworkPolicy\nmetadata:\n  name: allow-same-ns\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n---\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress: []';
    expect(facts(yaml)).toEqual([
      { policy: 'allow-same-ns', direction: 'ingress', denyAll: false },
      { policy: 'deny', direction: 'ingress', denyAll: true },
      { policy: 'deny', direction: 'egress', denyAll: true, selectsAll: true, dnsBlocked: true },
    ]);
  });
  it('reads kubectl describe networkpolicy', () => {
    const text =
      'Name:         default-deny-ingress\nSpec:\n  PodSelector:     <none>\n  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n  Not affecting egress traffic\n\nName:         api-allow-frontend\nSpec:\n  Allowing ingress traffic:\n    To Port: 8080/TCP\n    From:\n      PodSelector: app=frontend';
    expect(facts(text)).toEqual([
      { policy: 'default-deny-ingress', direction: 'ingress', denyAll: true },
      { policy: 'api-allow-frontend', direction: 'ingress', denyAll: false },
    ]);
  });
  it('reads Cilium egress rules as egress isolation with rules', () => {
    expect(
      facts(
        "[{'toEndpoints': [{'matchLabels': {'app.kubernetes.io/name': 'hubble-relay'}}],\n  'toPorts': [{'ports': [{'port': '443', 'protocol': 'TCP'}]}]}]",
      ),
    ).toEqual([
      { policy: null, direction: 'egress', denyAll: false, selectsAll: false, dnsBlocked: false },
    ]);
  });
  it('reads a bare list of egress rules (policyTypes not shown) as egress isolation with rules', () => {
    const rules =
      '  - ports:\n    - port: 443\n      protocol: TCP\n    to:\n    - namespaceSelector: {}\n  - ports:\n    - port: 53\n      protocol: UDP\n    to:\n    - ipBlock:\n        cidr: 10.0.0.0/8';
    expect(facts(rules)).toEqual([
      { policy: null, direction: 'egress', denyAll: false, selectsAll: false, dnsBlocked: false },
    ]);
    expect(policyIsolation.mayContain(rules)).toBe(true);
  });
  it('reads peers cut out of a rule (no from/to shown) as a policy with rules of unknown direction', () => {
    const peers = '    - namespaceSelector:\n        matchLabels:\n          name: kube-system';
    expect(policyIsolation.mayContain(peers)).toBe(true);
    expect(facts(peers)).toEqual([{ policy: null, direction: 'unknown', denyAll: false }]);
    // The same peers under a from: are an ingress rule, not a second, unknown one.
    expect(facts(`  - from:\n${peers}`)).toEqual([
      { policy: null, direction: 'ingress', denyAll: false },
    ]);
    // A `name` label in a selector is not the policy's name.
    expect(
      facts(
        'metadata:\n  name: allow-system\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          name: kube-system',
      ),
    ).toEqual([{ policy: 'allow-system', direction: 'ingress', denyAll: false }]);
    // A policy's own spec.podSelector is a key, not a list item: no rule at all.
    expect(facts('spec:\n  podSelector:\n    matchLabels:\n      app: web')).toEqual([]);
  });
  it('does not read a from/to key inside other text as a policy rule', () => {
    expect(policyIsolation.mayContain('copying from: /tmp/a to: /tmp/b')).toBe(false);
  });

  describe('dnsBlocked: no egress rule of any policy of the namespace admits DNS', () => {
    const egressOf = (text: string) =>
      facts(text)
        .filter((f) => f.direction === 'egress')
        .map((f) => ({ policy: f.policy, selectsAll: f.selectsAll, dnsBlocked: f.dnsBlocked }));

    it('blocks DNS for an egress policy that allows only its own namespace', () => {
      expect(egressOf(NAMESPACE_ONLY)).toEqual([
        { policy: 'namespace-only', selectsAll: true, dnsBlocked: true },
      ]);
    });
    it('admits DNS when another policy of the namespace allows port 53 to kube-system', () => {
      expect(egressOf(`${NAMESPACE_ONLY}\n---\n${ALLOW_DNS}`)).toEqual([
        { policy: 'namespace-only', selectsAll: true, dnsBlocked: false },
        { policy: 'allow-dns', selectsAll: true, dnsBlocked: false },
      ]);
      // A policy of another namespace admits nothing here.
      expect(
        egressOf(
          `${NAMESPACE_ONLY}\n---\n${ALLOW_DNS.replace('namespace: shop', 'namespace: other')}`,
        )[0],
      ).toEqual({ policy: 'namespace-only', selectsAll: true, dnsBlocked: true });
    });
    it('admits DNS for port 53 to every peer, an ipBlock, a named port, a range over 53 or a protocol without port', () => {
      const rule = (r: string) =>
        egressOf(
          policyManifest('p', `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n${r}`),
        )[0]!.dnsBlocked;
      expect(rule('  - ports:\n    - port: 53\n      protocol: UDP')).toBe(false);
      expect(rule('  - to:\n    - ipBlock:\n        cidr: 169.254.20.10/32')).toBe(false);
      expect(
        rule('  - to:\n    - podSelector: {}\n  - ports:\n    - port: dns\n      protocol: UDP'),
      ).toBe(false);
      // A named port without protocol is TCP: CoreDNS's `dns` port is UDP (its TCP one is dns-tcp).
      expect(rule('  - to:\n    - podSelector: {}\n  - ports:\n    - port: dns')).toBe(true);
      expect(rule('  - ports:\n    - port: 1\n      endPort: 1024\n      protocol: UDP')).toBe(
        false,
      );
      // The same range over TCP (the default protocol) leaves UDP lookups out.
      expect(rule('  - ports:\n    - port: 1\n      endPort: 1024')).toBe(true);
      expect(rule('  - ports:\n    - protocol: UDP')).toBe(false);
      expect(rule('  - to:\n    - podSelector: {}\n    ports:\n    - port: 53')).toBe(true);
      expect(rule('  - ports:\n    - port: 443\n      protocol: TCP')).toBe(true);
      expect(rule('  - ports:\n    - port: 54\n      endPort: 1024')).toBe(true);
      // Flow style is read too: its own namespace only, then every namespace on 53/UDP.
      expect(rule('  - to: [{podSelector: {}}]')).toBe(true);
      expect(rule('  - {to: [{namespaceSelector: {}}], ports: [{port: 53, protocol: UDP}]}')).toBe(
        false,
      );
    });
    it('admits DNS for own-namespace peers in kube-system, and never says blocked for rules it does not read', () => {
      expect(
        egressOf(NAMESPACE_ONLY.replace('namespace: shop', 'namespace: kube-system'))[0]!
          .dnsBlocked,
      ).toBe(false);
      const json =
        '{"kind": "NetworkPolicy", "metadata": {"name": "j"},\n"spec": {"policyTypes": ["Egress"],\n"egress": [{"to": [{"podSelector": {}}]}]}}';
      // A whole JSON manifest is read: its own namespace only, so no DNS.
      expect(egressOf(json)[0]!.dnsBlocked).toBe(true);
      // The same manifest cut short is not a policy that can be judged.
      expect(egressOf(json.slice(0, -3))[0]!.dnsBlocked).toBe(false);
    });
    it('tells a policy that selects a labelled subset from one that selects every pod', () => {
      const subset = policyManifest(
        'db-egress',
        '  podSelector:\n    matchLabels:\n      app: db\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          app: api',
      );
      expect(egressOf(subset)).toEqual([
        { policy: 'db-egress', selectsAll: false, dnsBlocked: true },
      ]);
      expect(egressOf(`${subset}\n---\n${ALLOW_DNS}`)[0]).toEqual({
        policy: 'db-egress',
        selectsAll: false,
        dnsBlocked: false,
      });
    });
    it('reads kubectl describe: rules shown are not read (admitted), no egress rule is blocked', () => {
      const described =
        'Name:         deny-egress\nNamespace:    shop\nSpec:\n  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Not affecting ingress traffic\n  Allowing egress traffic:\n    <none> (Selected pods are isolated for egress connectivity)\n  Policy Types: Egress';
      expect(egressOf(described)).toEqual([
        { policy: 'deny-egress', selectsAll: true, dnsBlocked: true },
      ]);
      expect(
        egressOf(
          described.replace(
            '<none> (Selected pods are isolated for egress connectivity)',
            'To Port: 53/UDP\n    To:\n      NamespaceSelector: kubernetes.io/metadata.name=kube-system',
          ),
        ),
      ).toEqual([{ policy: 'deny-egress', selectsAll: true, dnsBlocked: false }]);
    });
  });
  it('reads hostile egress rules in linear time (long runs of spaces, dashes, ports)', () => {
    const runs = [
      policyManifest('p', '  podSelector: {}\n  egress:'),
      `  - to:\n${'    - podSelector: {}\n'.repeat(5_000)}`,
      `    ports:\n${'    - port: 54\n      endPort: 52\n'.repeat(5_000)}`,
      `${' '.repeat(16_000)}x`,
      `    - port: ${'a'.repeat(16_000)} b`,
      `  ${'- '.repeat(8_000)}`,
    ].join('\n');
    const started = process.cpuUsage();
    let result: ReturnType<typeof facts> = [];
    for (let i = 0; i < 5; i++) result = facts(runs);
    const { user, system } = process.cpuUsage(started);
    // The port-less item and the rule of dashes count as admitting DNS: unread means admitted.
    expect(result.find((f) => f.direction === 'egress')?.dnsBlocked).toBe(false);
    expect((user + system) / 1000).toBeLessThan(1000);
  });
});
