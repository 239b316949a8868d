import { clip, forEachLine, type Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin, type JoinSection } from './fact-join.js';

// The cluster DNS Service as `kubectl get svc` prints it (with or without -A, with or without the
// TYPE column of kubectl before 1.5): kube-system's kube-dns (every distribution's name, CoreDNS
// included) or coredns. Anchored, literal first: linear on the JavaScript engine.
const CLUSTER_DNS_ROW =
  /^\s*(?:kube-system\s+)?(?:kube-dns|coredns)\s+(?:ClusterIP\s+)?([0-9a-fA-F.:]{2,45})\s+\S/;
// A pod's resolv.conf: the kubelet writes the cluster's search domains (<ns>.svc.<domain>).
const POD_SEARCH = /^search\s.*\bsvc\.\S/;
const NAMESERVER = /^nameserver\s+([0-9a-fA-F.:]{2,45})\s*$/;
// The kubelet's configuration: kubelet-config.json / KubeletConfiguration YAML (`clusterDNS`, a
// list, on one line or the next ones) or the flag (`--cluster-dns=`, `--cluster_dns=`).
const CONFIG_KEY = /^\s*"?clusterDNS"?\s*:\s*(.*)$/;
const FLAG = /--cluster[-_]dns[=\s]+([0-9a-fA-F.:,]{2,200})/;
const ADDRESS = /[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}/g;
// NodeLocal DNSCache listens on a link-local address and forwards to the cluster DNS.
const NODE_LOCAL_CACHE = /^169\.254\.|^fe80:/i;

interface Resolver {
  readonly nameserver: string;
  readonly source: 'pod-resolv.conf' | 'kubelet';
  readonly section: string;
  readonly line: number;
  readonly text: string;
}

/** The cluster DNS Service's addresses in every listing shown, lower-cased. */
function clusterDnsAddresses(sections: readonly JoinSection[]): Set<string> {
  const addresses = new Set<string>();
  for (const { output } of sections) {
    forEachLine(output, (line) => {
      const row = CLUSTER_DNS_ROW.exec(line);
      if (row && /[.:]/.test(row[1]!)) addresses.add(row[1]!.toLowerCase());
      if (addresses.size > 16) return false;
    });
  }
  return addresses;
}

/** Whether a section shows a pod's resolv.conf: a search line with the cluster's `svc.` domains. */
function showsPodResolvConf(output: string): boolean {
  let pod = false;
  forEachLine(output, (line) => {
    if (line.startsWith('search') && /^search\s/.test(line) && line.includes('svc.')) pod = true;
    return pod ? false : undefined;
  });
  return pod;
}

/** The resolvers pods are given: nameservers of a pod's resolv.conf, and the kubelet's clusterDNS. */
function configuredResolvers(sections: readonly JoinSection[]): Resolver[] {
  const found: Resolver[] = [];
  for (const { name, output } of sections) {
    const podResolvConf = showsPodResolvConf(output);
    // Where the kubelet's clusterDNS list goes on: a JSON list left open, or YAML's `- address` lines.
    let list: 'json' | 'yaml' | null = null;
    forEachLine(output, (line, lineNo) => {
      const addAll = (text: string, source: Resolver['source']) => {
        for (const address of text.match(ADDRESS) ?? [])
          found.push({
            nameserver: address.toLowerCase(),
            source,
            section: name,
            line: lineNo,
            text: clip(line.trim()),
          });
      };
      const key = CONFIG_KEY.exec(line);
      if (key) {
        addAll(key[1]!, 'kubelet');
        list = /\[[^\]]*$/.test(key[1]!) ? 'json' : key[1]!.trim() === '' ? 'yaml' : null;
      } else if (list === 'json') {
        addAll(line, 'kubelet');
        if (line.includes(']')) list = null;
      } else if (list === 'yaml' && /^\s*-\s*\S/.test(line)) {
        addAll(line, 'kubelet');
      } else {
        list = null;
        const flag = FLAG.exec(line);
        if (flag) addAll(flag[1]!, 'kubelet');
        const ns = podResolvConf ? NAMESERVER.exec(line) : null;
        if (ns) addAll(ns[1]!, 'pod-resolv.conf');
      }
      return found.length >= MAX_JOINED_FACTS ? false : undefined;
    });
  }
  return found;
}

/**
 * Each resolver pods are given (a pod's resolv.conf nameserver, beside the kubelet-written search
 * domains; the kubelet's `clusterDNS`), joined with the cluster DNS Service's address shown beside
 * it (`kubectl -n kube-system get svc kube-dns`; the cluster reader prints it in `k8s.cluster`).
 * `isClusterDns` is false when the resolver is neither that address nor a node-local cache
 * (169.254.0.0/16): a kubelet configured with a typo'd clusterDNS gives every pod on the node a
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
    return configuredResolvers(input.sections)
      .slice(0, MAX_JOINED_FACTS)
      .map(
        (r): Fact => ({
          kind: 'dns.resolver',
          section: r.section,
          line: r.line,
          text: r.text,
          fields: {
            nameserver: r.nameserver,
            source: r.source,
            clusterDns,
            isClusterDns: cluster.has(r.nameserver) || NODE_LOCAL_CACHE.test(r.nameserver),
          },
        }),
      );
  },
};
