import { clip, forEachLine, type Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin, type JoinSection } from './fact-join.js';

// The cluster DNS Service as `kubectl get svc` prints it (with or without -A, with or without the
// TYPE column of kubectl before 1.5): kube-system's kube-dns (every distribution's name, CoreDNS
// included) or coredns. Anchored, literal first: linear on the JavaScript engine.
const CLUSTER_DNS_ROW =
  /^\s*(?:kube-system\s+)?(?:kube-dns|coredns)\s+(?:ClusterIP\s+)?([0-9a-fA-F.:]{2,45})\s+\S/;
// One resolv.conf: a run of its own directives. The kubelet writes a pod's with the cluster's
// search domains (<ns>.svc.<domain>); a node's, or a container's with dnsPolicy Default, has none.
const RESOLV_CONF_LINE = /^\s*(search|nameserver|options|domain|sortlist)\s/;
const NAMESERVER = /^\s*nameserver\s+([0-9a-fA-F.:]{2,45})\s*$/;
// The kubelet's configuration: kubelet-config.json / KubeletConfiguration YAML (`clusterDNS`, a
// list, on one line or the next ones) or the flag (`--cluster-dns=`, `--cluster_dns=`).
const CONFIG_KEY = /^\s*"?clusterDNS"?\s*:\s*(.*)$/;
const LIST_VALUE = /^\s*(-\s*)?"?[0-9a-fA-F.:]{2,45}"?,?\s*$/;
const FLAG = /--cluster[-_]dns[=\s]+([0-9a-fA-F.:,]{2,200})/;
const ADDRESS = /[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}/g;
// NodeLocal DNSCache listens on a link-local address (IPv4) and forwards to the cluster DNS. In an
// IPv6 cluster it takes a ULA, like the Service itself: there the symptom the runbook also asks
// for keeps a cache from reading as a wrong resolver.
const NODE_LOCAL_CACHE = /^169\.254\.|^fe80:/i;

/** An IPv4 address, or an IPv6 one (`::` or eight groups): not a time such as 23:58:20. */
function isAddress(candidate: string): boolean {
  return candidate.includes('.') || candidate.includes('::') || candidate.split(':').length === 8;
}

/** The resolvers one place hands out: a pod's resolv.conf, or one kubelet configuration. */
interface ResolverList {
  readonly source: 'pod-resolv.conf' | 'kubelet';
  readonly section: string;
  readonly entries: { nameserver: string; line: number; text: string }[];
}

/** The cluster DNS Service's addresses in every listing shown, lower-cased. */
function clusterDnsAddresses(sections: readonly JoinSection[]): Set<string> {
  const addresses = new Set<string>();
  for (const { output } of sections) {
    forEachLine(output, (line) => {
      const row = CLUSTER_DNS_ROW.exec(line);
      if (row && isAddress(row[1]!)) addresses.add(row[1]!.toLowerCase());
      return addresses.size > 16 ? false : undefined;
    });
  }
  return addresses;
}

/** The addresses a text names. */
function addressesIn(text: string): string[] {
  return (text.match(ADDRESS) ?? []).filter(isAddress).map((a) => a.toLowerCase());
}

/**
 * The resolver lists a section shows: each resolv.conf block that carries the cluster's `svc.`
 * search domains (a pod's), and each kubelet clusterDNS setting.
 */
function resolverLists(name: string, output: string): ResolverList[] {
  const lists: ResolverList[] = [];
  let block: ResolverList | null = null;
  let podBlock = false;
  let kubelet: ResolverList | null = null;
  let list: 'json' | 'yaml' | null = null;
  const closeBlock = () => {
    if (block && podBlock && block.entries.length > 0) lists.push(block);
    block = null;
    podBlock = false;
  };
  forEachLine(output, (line, lineNo) => {
    const entry = (nameserver: string) => ({ nameserver, line: lineNo, text: clip(line.trim()) });
    if (RESOLV_CONF_LINE.test(line)) {
      block ??= { source: 'pod-resolv.conf', section: name, entries: [] };
      if (/^\s*search\s/.test(line) && line.includes('svc.')) podBlock = true;
      const ns = NAMESERVER.exec(line);
      if (ns && isAddress(ns[1]!)) block.entries.push(entry(ns[1]!.toLowerCase()));
    } else if (!/^\s*(#|$)/.test(line)) {
      closeBlock();
    }
    const key = CONFIG_KEY.exec(line);
    if (key) {
      const rest = key[1]!;
      kubelet = { source: 'kubelet', section: name, entries: [] };
      lists.push(kubelet);
      for (const a of addressesIn(rest)) kubelet.entries.push(entry(a));
      list =
        rest.lastIndexOf('[') > rest.lastIndexOf(']') ? 'json' : rest.trim() === '' ? 'yaml' : null;
    } else if (list !== null && kubelet !== null && LIST_VALUE.test(line)) {
      // One address per line: anything else (a closing bracket, the next key) ends the list.
      for (const a of addressesIn(line)) (kubelet as ResolverList).entries.push(entry(a));
    } else {
      list = null;
      const flag = FLAG.exec(line);
      if (flag) {
        lists.push({ source: 'kubelet', section: name, entries: addressesIn(flag[1]!).map(entry) });
      }
    }
    return lists.length >= MAX_JOINED_FACTS ? false : undefined;
  });
  closeBlock();
  return lists;
}

/**
 * Each resolver pods are given (a pod's resolv.conf nameserver, beside the kubelet-written search
 * domains; the kubelet's `clusterDNS`), joined with the cluster DNS Service's address shown beside
 * it (`kubectl -n kube-system get svc kube-dns`; the cluster reader prints it in `k8s.cluster`).
 * `isClusterDns` is false when the resolver is neither that address nor a node-local cache
 * (169.254.0.0/16), and its list names no address that is: a resolv.conf with the cluster DNS and
 * a resolver a pod's dnsConfig added, or a dual-stack kubelet whose second family kubectl does not
 * print, are not wrong. A kubelet configured with a typo'd clusterDNS gives every pod on the node a
 * resolver that answers nothing. Only emitted when both sides were shown. Fields: nameserver,
 * source (`pod-resolv.conf`, `kubelet`), clusterDns (the Service's addresses, comma-joined),
 * isClusterDns.
 */
export const dnsResolver: FactJoin = {
  kind: 'dns.resolver',
  inputs: [],
  markers: ['nameserver', 'clusterdns', 'cluster-dns', 'cluster_dns'],
  join(input) {
    if (input.sections.length === 0) return [];
    const cluster = clusterDnsAddresses(input.allSections);
    if (cluster.size === 0) return [];
    const clusterDns = [...cluster].join(',');
    const isCluster = (nameserver: string) =>
      cluster.has(nameserver) || NODE_LOCAL_CACHE.test(nameserver);
    const facts: Fact[] = [];
    for (const { name, output } of input.sections) {
      const lists = resolverLists(name, output);
      // One section's kubelet settings are files the kubelet reads in the order the collector
      // prints them (config.json, then its drop-ins): the last clusterDNS is the one in effect.
      const lastKubelet = lists.findLast((l) => l.source === 'kubelet');
      for (const list of lists) {
        if (list.source === 'kubelet' && list !== lastKubelet) continue;
        const listNamesCluster = list.entries.some((e) => isCluster(e.nameserver));
        for (const e of list.entries) {
          if (facts.length >= MAX_JOINED_FACTS) return facts;
          facts.push({
            kind: 'dns.resolver',
            section: list.section,
            line: e.line,
            text: e.text,
            fields: {
              nameserver: e.nameserver,
              source: list.source,
              clusterDns,
              isClusterDns: listNamesCluster,
            },
          });
        }
      }
    }
    return facts;
  },
};
