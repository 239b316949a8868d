/** One egress rule being read: its peers (`to:`) and ports, and whether each could reach DNS. */
interface Rule {
  to: boolean;
  toDns: boolean;
  /** A `podSelector` peer with no namespaceSelector: the policy's own namespace only. */
  podPeer: boolean;
  ports: boolean;
  portsDns: boolean;
  portItems: number;
  portValues: number;
  lastPort: number | null;
  mode: 'to' | 'ports' | null;
}

const DNS_PORT = 53;

/**
 * Reads one NetworkPolicy's egress rules, line by line in block YAML, and says whether any of them
 * could admit DNS (UDP/TCP 53) to where cluster DNS lives: kube-dns/CoreDNS in kube-system, or
 * node-local DNS on a link-local address. A rule admits DNS when its peers could cover the resolver
 * (no `to`, an empty one, any namespaceSelector or ipBlock) and its ports could include 53 (no
 * `ports`, a port item without a port, 53 itself, a named port, a range over 53). A `podSelector`
 * peer alone is the policy's own namespace: DNS only when that is kube-system. Anything not read
 * here (flow style, JSON, Cilium keys, described rules) counts as admitted: never a false "blocked".
 */
export class EgressDnsReader {
  /** The policy's egress was shown (an `egress:` key, `[]` included, or its policyTypes). */
  shown = false;
  private admitted = false;
  private podPeerDns = false;
  private keyIndent: number | null = null;
  private ruleIndent: number | null = null;
  private rule: Rule | null = null;

  /** True when some rule could admit DNS from pods of `namespace` (the policy's, when known). */
  admitsDns(namespace: string | null): boolean {
    this.endRule();
    return this.admitted || (this.podPeerDns && namespace === 'kube-system');
  }

  /** Something this reader does not parse shows egress rules: say admitted. */
  unreadRules(): void {
    this.shown = true;
    this.admitted = true;
  }

  /** Reads one line of the policy (indent: its leading whitespace). */
  line(line: string, indent: number): void {
    if (this.keyIndent === null) {
      const key = /^\s*egress:\s*(.*)$/.exec(line);
      if (key) {
        this.shown = true;
        const rest = key[1]!.trim();
        if (rest === '') this.keyIndent = indent;
        else if (!/^\[\s*\]$/.test(rest)) this.admitted = true;
      } else if (/^\s*"egress"\s*:/.test(line)) this.unreadRules();
      return;
    }
    if (line.trim() === '') return;
    const item = /^(\s*)-\s*(.*)$/.exec(line);
    if (indent < this.keyIndent || (indent === this.keyIndent && !item)) {
      this.endRule();
      this.keyIndent = null;
      this.ruleIndent = null;
      return;
    }
    if (item && (this.ruleIndent === null || item[1]!.length === this.ruleIndent)) {
      this.endRule();
      this.ruleIndent = item[1]!.length;
      this.rule = {
        to: false,
        toDns: false,
        podPeer: false,
        ports: false,
        portsDns: false,
        portItems: 0,
        portValues: 0,
        lastPort: null,
        mode: null,
      };
    }
    if (this.rule) this.ruleLine(this.rule, item ? item[2]!.trim() : line.trim(), !!item);
  }

  private ruleLine(r: Rule, content: string, listItem: boolean): void {
    const key = /^(to|ports):\s*(.*)$/.exec(content);
    if (key) {
      const rest = key[2]!.trim();
      r.mode = key[1] as 'to' | 'ports';
      // An empty peer list is every destination; any other inline list is not read here.
      if (r.mode === 'to') {
        r.to = true;
        r.toDns ||= rest !== '';
      } else {
        r.ports = true;
        r.portsDns ||= rest !== '';
      }
      return;
    }
    if (r.mode === 'to') {
      if (/^(namespaceSelector|ipBlock):/.test(content)) r.toDns = true;
      else if (/^podSelector:/.test(content)) r.podPeer = true;
      return;
    }
    if (r.mode !== 'ports') return;
    if (listItem) r.portItems++;
    const port = /^port:\s*"?([^"\s]+)"?\s*$/.exec(content);
    if (port) {
      r.portValues++;
      const n = /^\d+$/.test(port[1]!) ? Number(port[1]) : null;
      // A named port is whatever the destination pod calls it: it may be DNS.
      if (n === null || n === DNS_PORT) r.portsDns = true;
      r.lastPort = n;
    }
    const end = /^endPort:\s*(\d+)/.exec(content);
    if (end && r.lastPort !== null && r.lastPort <= DNS_PORT && Number(end[1]) >= DNS_PORT)
      r.portsDns = true;
  }

  private endRule(): void {
    const r = this.rule;
    if (!r) return;
    this.rule = null;
    // A ports item with no port (a protocol alone) is every port of that protocol.
    const portsDns = !r.ports || r.portsDns || r.portItems > r.portValues;
    if (portsDns && (!r.to || r.toDns)) this.admitted = true;
    if (portsDns && r.podPeer) this.podPeerDns = true;
  }
}
