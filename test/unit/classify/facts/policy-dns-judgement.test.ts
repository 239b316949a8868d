import { describe, expect, it } from 'vitest';
import { policyIsolation } from '../../../../lambdas/core/classify/facts/policy-isolation.js';
import { MANIFEST_BUDGET_CHARS } from '../../../../lambdas/core/classify/facts/policy-manifest-reader.js';
import { ALLOW_DNS, policyManifest } from '../../../fixtures/kubernetes/network-policies.js';

const egress = (text: string) =>
  policyIsolation
    .extract('k8s.networkpolicies', text)
    .filter((f) => f.fields.direction === 'egress')
    .map((f) => ({ policy: f.fields.policy, line: f.line, dnsBlocked: f.fields.dnsBlocked }));
const blocked = (text: string) => egress(text).map((f) => f.dnsBlocked);
const egressPolicy = (name: string, rules: string, namespace = 'shop') =>
  policyManifest(
    name,
    `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n${rules}`,
    namespace,
  );

describe('dnsBlocked judged by the NetworkPolicy evaluator (pod -> kube-dns 53/UDP)', () => {
  it('reads flow-style rules the line reader could not', () => {
    expect(
      blocked(
        egressPolicy(
          'flow',
          '  - {to: [{namespaceSelector: {}}], ports: [{port: 53, protocol: UDP}]}',
        ),
      ),
    ).toEqual([false]);
    expect(
      blocked(
        policyManifest(
          'flow',
          '  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {}}], ports: [{port: 53, protocol: UDP}]}]',
        ),
      ),
    ).toEqual([false]);
  });
  it('reads JSON manifests and kind: List items, each fact at its policy line', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            kind: 'NetworkPolicy',
            metadata: { name: 'web-egress', namespace: 'shop' },
            spec: {
              podSelector: { matchLabels: { app: 'web' } },
              policyTypes: ['Egress'],
              egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
            },
          },
          {
            kind: 'NetworkPolicy',
            metadata: { name: 'db-egress', namespace: 'shop' },
            spec: {
              podSelector: { matchLabels: { app: 'db' } },
              policyTypes: ['Egress'],
              egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
            },
          },
        ],
      },
      null,
      2,
    );
    const lines = json.split('\n');
    const lineOf = (name: string) => lines.findIndex((l) => l.includes(`"${name}"`)) + 1;
    expect(egress(`$ kubectl get networkpolicy -n shop -o json\n${json}`)).toEqual([
      { policy: 'web-egress', line: lineOf('web-egress') + 1, dnsBlocked: true },
      { policy: 'db-egress', line: lineOf('db-egress') + 1, dnsBlocked: false },
    ]);
  });
  it('blocks a namespaceSelector that names another namespace only', () => {
    const rule = (labels: string) =>
      egressPolicy(
        'to-monitoring',
        `  - to:\n    - namespaceSelector:\n        matchLabels:\n          ${labels}\n    ports:\n    - port: 53\n      protocol: UDP`,
      );
    expect(blocked(rule('kubernetes.io/metadata.name: monitoring'))).toEqual([true]);
    expect(blocked(rule('kubernetes.io/metadata.name: kube-system'))).toEqual([false]);
    // kube-system's own labels are not shown: the `name` label older guides add counts as there.
    expect(blocked(rule('name: kube-system'))).toEqual([false]);
    // A pod selector that is not CoreDNS's in kube-system admits nothing.
    expect(
      blocked(
        egressPolicy(
          'p',
          '  - to:\n    - namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          app: metrics\n    ports:\n    - port: 53\n      protocol: UDP',
        ),
      ),
    ).toEqual([true]);
  });
  it('blocks 53/TCP alone: resolvers ask over UDP first, and never get the truncated answer that sends them to TCP', () => {
    expect(
      blocked(egressPolicy('tcp-only', '  - ports:\n    - port: 53\n      protocol: TCP')),
    ).toEqual([true]);
    expect(
      blocked(egressPolicy('both', '  - ports:\n    - port: 53\n      protocol: UDP')),
    ).toEqual([false]);
  });
  it('judges the pods a policy selects against every policy of its namespace', () => {
    const web = policyManifest(
      'web',
      '  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - podSelector: {}',
    );
    const dnsForDb = ALLOW_DNS.replace('podSelector: {}', 'podSelector: {matchLabels: {app: db}}');
    expect(blocked(`${web}\n---\n${dnsForDb}`)).toEqual([true, false]);
    expect(blocked(`${web}\n---\n${ALLOW_DNS}`)).toEqual([false, false]);
    // matchExpressions select too: an In requirement's pod carries its first value.
    const inWeb = ALLOW_DNS.replace(
      'podSelector: {}',
      'podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}',
    );
    expect(blocked(`${web}\n---\n${inWeb}`)).toEqual([false, false]);
  });
  it('counts an ipBlock, IPv4 or IPv6, as possibly holding the DNS pod, and a block that is no CIDR as unread', () => {
    const block = (cidr: string) =>
      egressPolicy(
        'p',
        `  - to:\n    - ipBlock:\n        cidr: ${cidr}\n    ports:\n    - port: 53\n      protocol: UDP`,
      );
    expect(blocked(block('10.0.0.0/8'))).toEqual([false]);
    expect(blocked(block('fd00::/8'))).toEqual([false]);
    expect(blocked(block('not-a-cidr'))).toEqual([false]);
  });
  it('reads the policy inside a heredoc and keeps unread policies admitting for the namespace', () => {
    const heredoc = `kubectl apply -f- <<EOF\n${egressPolicy('own', '  - to:\n    - podSelector: {}')}\nEOF`;
    expect(egress(heredoc)).toEqual([{ policy: 'own', line: 5, dnsBlocked: true }]);
    // A Cilium rule shown beside it may admit DNS: not read, so admitted.
    expect(
      blocked(`${heredoc}\n[{'toEndpoints': [{'matchLabels': {'k8s-app': 'kube-dns'}}]}]`),
    ).toEqual([false]);
  });
  it('reads a spec pasted alone (podSelector and egress rules) as a policy of an unnamed namespace', () => {
    const spec =
      'podSelector:\n  matchLabels:\n    app: web\negress:\n  - ports:\n      - protocol: TCP\n        port: 4000\n    to:\n      - namespaceSelector: {}';
    expect(blocked(spec)).toEqual([true]);
    expect(blocked(spec.replace('protocol: TCP', 'protocol: UDP').replace('4000', '53'))).toEqual([
      false,
    ]);
    // A rule cut out of its policy is not a whole policy: not read, so not blocked.
    expect(blocked(spec.slice(spec.indexOf('egress:')))).toEqual([false]);
  });
  it('reads `to:` with nothing under it as every destination (the line reader said blocked)', () => {
    expect(
      blocked(egressPolicy('p', '  - to:\n    ports:\n    - port: 53\n      protocol: UDP')),
    ).toEqual([false]);
  });
  it('judges a policy without namespace in each namespace shown', () => {
    const own = policyManifest(
      'own',
      '  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - podSelector: {}',
    ).replace('  namespace: shop\n', '');
    expect(blocked(own)).toEqual([true]);
    // It may be shop's, where DNS is admitted.
    expect(blocked(`${own}\n---\n${ALLOW_DNS}`)).toEqual([false, false]);
  });
  it('stays linear on a hostile section: many blocks, a long list, past the parse budget', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      egressPolicy(`p${i}`, `  - to:\n    - podSelector: {matchLabels: {n: "${i}"}}`),
    ).join('\nnot yaml\n');
    const long = egressPolicy('long', `  - to:\n${'    - podSelector: {}\n'.repeat(20_000)}`);
    const started = process.cpuUsage();
    const results = [
      blocked(many),
      blocked(long),
      blocked(`${'x: '.repeat(50_000)}NetworkPolicy egress`),
    ];
    const { user, system } = process.cpuUsage(started);
    expect(many.length).toBeGreaterThan(MANIFEST_BUDGET_CHARS);
    // Policies past the budget are not read, so they may admit DNS for the namespace: none blocked.
    expect(results[0]).toEqual(Array(400).fill(false));
    expect(results[1]).toEqual([false]);
    expect((user + system) / 1000).toBeLessThan(1500);
  });
});
