import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';
import { EgressDnsReader } from './policy-egress-dns.js';

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
  dns: EgressDnsReader;
  /** Indentation of spec's own keys (policyTypes, ingress, egress): a podSelector there is the policy's. */
  specIndent: number | null;
  /** Indentations of `podSelector: {}` keys (not list items): the spec's selects every pod. */
  emptySelectorIndents: number[];
  selectsAll: boolean;
  describedEgress: boolean;
  describedEgressNone: boolean;
}

/** A policy read to its end, its facts waiting for every policy's DNS rules. */
interface ReadPolicy {
  p: Policy;
  dnsAdmitted: boolean;
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
 * dnsBlocked: the egress rules are shown and no rule of any policy shown for that namespace could
 * admit DNS (policy-egress-dns.ts; whatever is not read counts as admitted).
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
    const read: ReadPolicy[] = [];
    let p: Policy | null = null;
    const flush = () => {
      if (!p) return;
      if (p.types.size === 0 && (p.rules.size > 0 || p.name)) p.types.add('ingress');
      if (p.describedEgress) p.dns.shown = true;
      if (p.describedEgress && !p.describedEgressNone) p.dns.unreadRules();
      p.selectsAll ||= p.emptySelectorIndents.includes(p.specIndent ?? -1);
      read.push({ p, dnsAdmitted: p.dns.admitsDns(p.namespace) });
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
        dns: new EgressDnsReader(),
        specIndent: null,
        emptySelectorIndents: [],
        selectsAll: false,
        describedEgress: false,
        describedEgressNone: false,
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
        /^(---|Name:\s)|^\s*kind:\s*"?(Cilium)?NetworkPolicy/.test(line) &&
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
        open(lineNo, line).dns.shown = true;
        inTypes = !/\w/.test(types[1]!);
        for (const t of types[1]!.matchAll(/Ingress|Egress/g))
          open(lineNo, line).types.add(t[0].toLowerCase() as Direction);
        return;
      }
      const item = inTypes ? /^\s*-\s*"?(Ingress|Egress)"?\s*$/.exec(line) : null;
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
      if (/Allowing egress traffic:/.test(line)) p!.describedEgress = true;
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
        p!.dns.unreadRules();
      }
    });
    flush();
    return factsOf(section, read);
  },
};

/** The spec-level keys of a manifest: where the policy's own podSelector sits, and its egress rules. */
function readSpecLine(p: Policy, line: string, indent: number): void {
  if (/^\s*"?(policyTypes|ingress|egress)"?:/.test(line)) p.specIndent ??= indent;
  if (/^\s*"?podSelector"?:\s*\{\s*\}/.test(line)) p.emptySelectorIndents.push(indent);
  if (/^\s*PodSelector:\s+<none>/.test(line)) p.selectsAll = true;
  p.dns.line(line, indent);
}

/** Facts of every policy read; DNS counts as blocked only when no policy of the namespace admits it. */
function factsOf(section: string, read: readonly ReadPolicy[]): Fact[] {
  const admitting = new Set(read.filter((r) => r.dnsAdmitted).map((r) => r.p.namespace));
  const facts: Fact[] = [];
  for (const { p } of read) {
    const base = { kind: 'netpol.isolation' as const, section, line: p.line, text: clip(p.text) };
    if (p.types.size === 0 && p.barePeers)
      facts.push({ ...base, fields: { policy: p.name, direction: 'unknown', denyAll: false } });
    for (const d of p.types) {
      const denyAll = !(p.rules.get(d) ?? false);
      if (d !== 'egress') {
        facts.push({ ...base, fields: { policy: p.name, direction: d, denyAll } });
        continue;
      }
      // A policy whose namespace is not shown may be any namespace's: any admitting policy counts.
      const admitted =
        !p.dns.shown ||
        admitting.has(null) ||
        admitting.has(p.namespace) ||
        (p.namespace === null && admitting.size > 0);
      facts.push({
        ...base,
        fields: {
          policy: p.name,
          direction: d,
          denyAll,
          selectsAll: p.selectsAll,
          dnsBlocked: !admitted,
        },
      });
    }
  }
  return facts;
}
