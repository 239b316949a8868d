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
    // A pod selector asking for a label no known DNS set carries may still select the resolver
    // (its labels are not shown; a label added to it, a chart's extra ones): admitted. It was
    // judged blocked against the one kube-dns label set before.
    const toPods = (selector: string) =>
      egressPolicy(
        'p',
        `  - to:\n    - namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          ${selector}\n    ports:\n    - port: 53\n      protocol: UDP`,
      );
    expect(blocked(toPods('app: metrics'))).toEqual([false]);
    // One that contradicts every known set (each carries k8s-app) cannot: blocked.
    expect(blocked(toPods('k8s-app: metrics'))).toEqual([true]);
  });
  describe('never calls DNS blocked for a rule that could select the resolver, whose labels and address are not shown', () => {
    const rule = (to: string) =>
      egressPolicy('allow-dns', `  - to:\n${to}\n    ports:\n    - port: 53\n      protocol: UDP`);
    const selectors = (ns: string, pod: string) =>
      `    - namespaceSelector:\n        matchLabels:\n          ${ns}\n      podSelector:\n        matchLabels:\n          ${pod}`;
    it("admits EKS CoreDNS's own label, the Helm chart's and NodeLocal DNSCache's", () => {
      const inKubeSystem = (pod: string) =>
        blocked(rule(selectors('kubernetes.io/metadata.name: kube-system', pod)));
      expect(inKubeSystem('eks.amazonaws.com/component: coredns')).toEqual([false]);
      expect(inKubeSystem('k8s-app: coredns')).toEqual([false]);
      expect(inKubeSystem('app.kubernetes.io/instance: my-coredns')).toEqual([false]);
      expect(inKubeSystem('k8s-app: node-local-dns')).toEqual([false]);
      // Near misses: another namespace by its immutable name, a label no DNS pod can carry, or a
      // podSelector alone (the policy's own namespace).
      expect(
        blocked(
          rule(
            selectors(
              'kubernetes.io/metadata.name: monitoring',
              'eks.amazonaws.com/component: coredns',
            ),
          ),
        ),
      ).toEqual([true]);
      expect(inKubeSystem('k8s-app: kube-proxy')).toEqual([true]);
      // A key only some known sets fix stays open on the others: kube-dns outside EKS may carry it.
      expect(inKubeSystem('eks.amazonaws.com/component: kube-proxy')).toEqual([false]);
      expect(
        blocked(
          rule(
            '    - podSelector:\n        matchLabels:\n          eks.amazonaws.com/component: coredns',
          ),
        ),
      ).toEqual([true]);
      expect(
        blocked(
          rule(
            '    - namespaceSelector: {}\n      podSelector:\n        matchExpressions:\n        - {key: k8s-app, operator: NotIn, values: [kube-dns, coredns, node-local-dns]}',
          ),
        ),
      ).toEqual([true]);
    });
    it('admits a namespace label that is not shown, and blocks only a contradiction of kube-system', () => {
      const inNamespace = (ns: string) => blocked(rule(selectors(ns, 'k8s-app: kube-dns')));
      expect(inNamespace('networking/namespace: kube-system')).toEqual([false]);
      expect(inNamespace('name: kube-system')).toEqual([false]);
      expect(inNamespace('kubernetes.io/metadata.name: kube-system')).toEqual([false]);
      expect(inNamespace('kubernetes.io/metadata.name: default')).toEqual([true]);
    });
    it('admits a port named as DNS pods name it', () => {
      const named = (port: string) =>
        blocked(egressPolicy('p', `  - ports:\n    - port: ${port}\n      protocol: UDP`));
      expect(named('dns')).toEqual([false]);
      expect(named('udp-53')).toEqual([false]);
      expect(named('http')).toEqual([true]);
    });
    it('admits an ipBlock that keeps any address past its excepts; blocks one its excepts cover', () => {
      const block = (cidr: string, except: string[]) =>
        blocked(
          rule(`    - ipBlock:\n        cidr: ${cidr}\n        except: [${except.join(', ')}]`),
        );
      expect(block('10.0.0.0/8', ['10.0.0.0/24'])).toEqual([false]);
      expect(block('fd00::/8', ['fd00::/16'])).toEqual([false]);
      expect(block('10.0.0.0/8', ['10.0.0.0/9', '10.128.0.0/9'])).toEqual([true]);
      expect(block('10.0.0.0/31', ['10.0.0.0/32', '10.0.0.1/32'])).toEqual([true]);
      // A block in a form the API server rejects is unread: admitted.
      expect(block('010.0.0.0/8', ['10.0.0.0/9', '10.128.0.0/9'])).toEqual([false]);
    });
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
  it('bounds the work of many pods times many rule peers within the parse budget', () => {
    const distinct = Array.from(
      { length: 60 },
      (_, i) => `    - podSelector: {matchLabels: {n: "${i}"}}\n`,
    ).join('');
    const wide = egressPolicy(
      'wide',
      `  - to:\n${distinct}${'    - podSelector: {}\n'.repeat(1_500)}`,
    );
    const pods = Array.from({ length: 60 }, (_, i) =>
      policyManifest(
        `p${i}`,
        `  podSelector: {matchLabels: {pod: "${i}"}}\n  policyTypes: [Egress]`,
      ),
    );
    const text = [wide, ...pods].join('\n---\n');
    expect(text.length).toBeLessThan(MANIFEST_BUDGET_CHARS);
    const started = process.cpuUsage();
    const result = blocked(text);
    const { user, system } = process.cpuUsage(started);
    expect(result).toHaveLength(61);
    // The first pods are judged (blocked: every rule names pods of shop); past the bound of peer
    // matches the rest are admitted, not judged.
    expect(result[0]).toBe(true);
    expect(result.filter((b) => b).length).toBeLessThan(61);
    expect((user + system) / 1000).toBeLessThan(1500);
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
