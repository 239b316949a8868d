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
  it('does not read a from/to key inside other text as a policy rule', () => {
    expect(policyIsolation.mayContain('copying from: /tmp/a to: /tmp/b')).toBe(false);
  });
});
