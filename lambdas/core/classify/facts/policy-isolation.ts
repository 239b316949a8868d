import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';
import type { LabelSelector } from '../../kubernetes/types.js';
import { deferredReaders } from './deferred-readers.js';

type Direction = 'ingress' | 'egress';
interface Policy {
  name: string | null;
  line: number;
  text: string;
  types: Set<Direction>;
  rules: Map<Direction, boolean>;
  /** Peer list items (`- namespaceSelector:`) seen with no `from:`/`to:` or ingress/egress key above them. */
  barePeers: boolean;
  namespace: string | null;
  /** Indentation of spec's own keys (policyTypes, ingress, egress): a podSelector there is the policy's. */
  specIndent: number | null;
  /** Indentations of `podSelector: {}` keys (not list items): the spec's selects every pod. */
  emptySelectorIndents: number[];
  selectsAll: boolean;
  describedEgressNone: boolean;
  /** `kubectl describe`'s PodSelector (`<none>`, `app=db,tier=be`); null when not described or not read. */
  describedSelector: LabelSelector | null;
  /** Egress rules shown in a form not read as a manifest (Cilium keys, described rules): they may admit DNS. */
  unreadEgress: boolean;
}

/**
 * Which NetworkPolicies isolate pods, per direction, and whether any rule lets traffic through:
 * from YAML/JSON manifests (policyTypes, ingress/egress keys; without policyTypes Ingress is implied),
 * `kubectl describe networkpolicy` ("isolated for egress connectivity"), Cilium rules (toEndpoints…)
 * and bare rule lists cut out of a manifest (`- to:` / `- from:` peers): a policy with egress rules
 * isolates egress even when its policyTypes was not shown (Kubernetes adds Egress for it).
 * A fragment of peers alone (`- namespaceSelector:` list items, which exist only in a rule's
 * from/to list) shows a policy with rules but not their direction: direction `unknown`.
 * Fields: policy, direction (ingress, egress or unknown), denyAll (isolated with no rule that allows anything);
 * egress facts also carry selectsAll (spec `podSelector: {}`: every pod of the namespace) and
 * dnsBlocked: a pod the policy selects cannot reach cluster DNS under every policy shown for its
 * namespace (policy-dns-judgement.ts, loaded by loadDeferredReaders; whatever is not read as a whole policy
 * counts as admitted).
 */
export const policyIsolation: FactExtractor = {
  kind: 'netpol.isolation',
  markers: [
    'policytypes',
    'allowing ingress',
    'allowing egress',
    'toendpoints',
    'fromendpoints',
    'toentities',
    'tocidr',
    'tofqdns',
    'namespaceselector',
    'podselector',
    'ipblock',
  ],
  mayContain: (text) =>
    /policyTypes|Allowing (ingress|egress) traffic|\b(to|from)(Endpoints|Entities|CIDR|FQDNs)\b|^\s*(-\s*)?(to|from):\s*$|^\s*-\s*(namespaceSelector|podSelector|ipBlock):/m.test(
      text,
    ),
  extract(section, text) {
    const read: Policy[] = [];
    let p: Policy | null = null;
    const flush = () => {
      if (!p) return;
      if (p.types.size === 0 && (p.rules.size > 0 || p.name)) p.types.add('ingress');
      p.selectsAll ||= p.emptySelectorIndents.includes(p.specIndent ?? -1);
      read.push(p);
      p = null;
    };
    const open = (lineNo: number, line: string) =>
      (p ??= {
        name: null,
        line: lineNo,
        text: line.trim(),
        types: new Set(),
        rules: new Map(),
        barePeers: false,
        namespace: null,
        specIndent: null,
        emptySelectorIndents: [],
        selectsAll: false,
        describedEgressNone: false,
        describedSelector: null,
        unreadEgress: false,
      });
    let inTypes = false;
    // Indentation of an open matchLabels/labels map: a `name:` label inside it (a namespace's
    // `name: kube-system`) is a selector, not the policy's own name.
    let labelsIndent: number | null = null;
    forEachLine(text, (line, lineNo) => {
      const indent = /^\s*/.exec(line)![0].length;
      const inLabels = labelsIndent !== null && indent > labelsIndent;
      if (!inLabels)
        labelsIndent = /^\s*"?(matchLabels|labels)"?:\s*\{?\s*$/.test(line) ? indent : null;
      if (
        /^(---|Name:\s)|^\s*"?kind"?:\s*"?(Cilium)?NetworkPolicy/.test(line) &&
        p &&
        (p.name || p.types.size || p.rules.size || p.barePeers)
      )
        flush();
      const name = /^(?:Name:|\s+"?name"?:)\s*"?([\w.-]+)/.exec(line);
      if (name && !inLabels && !p?.name) open(lineNo, line).name = name[1]!;
      const ns = /^(?:Namespace:|\s+"?namespace"?:)\s*"?([\w.-]+)/.exec(line);
      if (ns && !inLabels && p && !p.namespace) p.namespace = ns[1]!;
      if (/^\s*"?(policyTypes|egress)"?:/.test(line)) open(lineNo, line);
      if (p) readSpecLine(p, line, indent);
      const types = /policyTypes"?:\s*(.*)$/.exec(line);
      if (types) {
        open(lineNo, line);
        inTypes = !/\w/.test(types[1]!);
        for (const t of types[1]!.matchAll(/Ingress|Egress/g))
          open(lineNo, line).types.add(t[0].toLowerCase() as Direction);
        return;
      }
      // A block list item, or a pretty-printed JSON one (`"Egress",`).
      const item = inTypes ? /^\s*(?:-\s*"?|")(Ingress|Egress)"?,?\s*$/.exec(line) : null;
      if (item) {
        open(lineNo, line).types.add(item[1]!.toLowerCase() as Direction);
        return;
      }
      inTypes = false;
      const key =
        /^\s*"?(ingress|egress)"?:\s*(\[\s*\])?/.exec(line) ??
        /Allowing (ingress|egress) traffic:()/.exec(line);
      if (key) {
        const d = key[1] as Direction;
        open(lineNo, line);
        if (/Allowing/.test(line)) p!.types.add(d);
        p!.rules.set(d, !key[2]);
      }
      const isolated = /isolated for (ingress|egress) connectivity/.exec(line);
      if (isolated && p) p.rules.set(isolated[1] as Direction, false);
      if (isolated?.[1] === 'egress' && p) p.describedEgressNone = true;
      if (/Allowing egress traffic:/.test(line)) p!.unreadEgress = true;
      // A rule's peer list: `to` only exists in egress rules, `from` only in ingress ones.
      const peers = /^\s*(?:-\s*)?(to|from):\s*$/.exec(line);
      if (peers) {
        const d: Direction = peers[1] === 'to' ? 'egress' : 'ingress';
        open(lineNo, line).types.add(d);
        p!.rules.set(d, true);
      }
      if (/^\s*-\s*(namespaceSelector|podSelector|ipBlock):/.test(line) && !p?.rules.size)
        open(lineNo, line).barePeers = true;
      const cilium = /\b(to|from)(Endpoints|Entities|CIDR|CIDRSet|FQDNs|Ports|Services)\b/.exec(
        line,
      );
      if (cilium) {
        const d: Direction = cilium[1] === 'to' ? 'egress' : 'ingress';
        open(lineNo, line).types.add(d);
        p!.rules.set(d, true);
        if (d === 'egress') p!.unreadEgress = true;
      }
    });
    flush();
    return factsOf(section, text, read);
  },
};

/** The spec-level keys of a manifest: where the policy's own podSelector sits; described selectors. */
function readSpecLine(p: Policy, line: string, indent: number): void {
  if (/^\s*"?(policyTypes|ingress|egress)"?:/.test(line)) p.specIndent ??= indent;
  if (/^\s*"?podSelector"?:\s*\{\s*\}/.test(line)) p.emptySelectorIndents.push(indent);
  const described = /^\s*PodSelector:\s+(\S+)/.exec(line);
  if (described) p.describedSelector = describedSelector(described[1]!);
  if (/^\s*PodSelector:\s+<none>/.test(line)) p.selectsAll = true;
}

/** kubectl describe's selector: `<none>` is every pod, `k=v,k2=v2` its labels; anything else is not read. */
function describedSelector(text: string): LabelSelector | null {
  if (text === '<none>') return {};
  const matchLabels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const kv = /^([\w./-]+)=([\w.-]*)$/.exec(pair);
    if (!kv) return null;
    matchLabels[kv[1]!] = kv[2]!;
  }
  return { matchLabels };
}

/** Facts of every policy read, each egress one with whether cluster DNS is out of its pods' reach. */
function factsOf(section: string, text: string, read: readonly Policy[]): Fact[] {
  // Not loaded (loadDeferredReaders): nothing read, so nothing blocked.
  const judge =
    deferredReaders()?.judgeDnsBlocked ??
    ((_: string, shown: readonly unknown[]) => shown.map(() => false));
  const dnsBlocked = judge(
    text,
    read.map((p) => ({
      line: p.line,
      name: p.name,
      namespace: p.namespace,
      egress: p.types.has('egress'),
      unread: p.unreadEgress && !p.describedEgressNone,
      describedDenyAll:
        p.describedEgressNone && p.describedSelector ? p.describedSelector : undefined,
    })),
  );
  const facts: Fact[] = [];
  for (const [i, p] of read.entries()) {
    const base = { kind: 'netpol.isolation' as const, section, line: p.line, text: clip(p.text) };
    if (p.types.size === 0 && p.barePeers)
      facts.push({ ...base, fields: { policy: p.name, direction: 'unknown', denyAll: false } });
    for (const d of p.types) {
      const denyAll = !(p.rules.get(d) ?? false);
      if (d !== 'egress') {
        facts.push({ ...base, fields: { policy: p.name, direction: d, denyAll } });
        continue;
      }
      facts.push({
        ...base,
        fields: {
          policy: p.name,
          direction: d,
          denyAll,
          selectsAll: p.selectsAll,
          dnsBlocked: dnsBlocked[i]!,
        },
      });
    }
  }
  return facts;
}
