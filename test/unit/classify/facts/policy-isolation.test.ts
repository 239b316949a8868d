import { describe, expect, it } from 'vitest';
import { policyIsolation } from '../../../../lambdas/core/classify/facts/policy-isolation.js';

const facts = (text: string) =>
  policyIsolation.extract('k8s.networkpolicies', text).map((f) => ({ ...f.fields }));

describe('netpol.isolation', () => {
  it('finds a deny-all egress policy in YAML (policyTypes without rules)', () => {
    const yaml =
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: default-allow-nothing\n  namespace: nginx\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress';
    expect(facts(yaml)).toEqual([
      { policy: 'default-allow-nothing', direction: 'egress', denyAll: true },
    ]);
  });
  it('implies Ingress when policyTypes is absent and keeps a policy with rules apart from a deny-all one', () => {
    const yaml =
      'kind: NetworkPolicy\nmetadata:\n  name: allow-same-ns\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n---\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress: []';
    expect(facts(yaml)).toEqual([
      { policy: 'allow-same-ns', direction: 'ingress', denyAll: false },
      { policy: 'deny', direction: 'ingress', denyAll: true },
      { policy: 'deny', direction: 'egress', denyAll: true },
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
    ).toEqual([{ policy: null, direction: 'egress', denyAll: false }]);
  });
  it('reads a bare list of egress rules (policyTypes not shown) as egress isolation with rules', () => {
    const rules =
      '  - ports:\n    - port: 443\n      protocol: TCP\n    to:\n    - namespaceSelector: {}\n  - ports:\n    - port: 53\n      protocol: UDP\n    to:\n    - ipBlock:\n        cidr: 10.0.0.0/8';
    expect(facts(rules)).toEqual([{ policy: null, direction: 'egress', denyAll: false }]);
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
});
