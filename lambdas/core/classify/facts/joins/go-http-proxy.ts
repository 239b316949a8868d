import ipaddr from 'ipaddr.js';

/**
 * Which proxy a Go program (dockerd, containerd, the kubelet: net/http's ProxyFromEnvironment)
 * uses for a request, from its HTTP_PROXY, HTTPS_PROXY and NO_PROXY values. A port of
 * golang.org/x/net/http/httpproxy (proxy.go: `proxyForURL`, `useProxy`, `config.init` and the
 * matchers), read at github.com/golang/net commit 0ca694d2a5adcce7f36d4d65e5f8d72390d94051:
 * - the scheme picks the variable: https → HTTPS_PROXY, http → HTTP_PROXY; no ALL_PROXY, and any
 *   other scheme is never proxied;
 * - `localhost` and loopback addresses are never proxied;
 * - NO_PROXY is split on commas, each entry trimmed and lower-cased, empty ones skipped;
 *   `*` turns the proxy off for every host;
 * - an IP or CIDR entry matches IP hosts only (`1.2.3.4`, `10.0.0.0/8`, `[::1]:80`); `host:port`
 *   matches that port only (a CIDR entry matches every port);
 * - a domain entry matches names only: `useProxy` runs the domain matchers on every host (proxy.go
 *   lines 199-203), but `domainMatch.match` returns false for an IP (lines 366-368, golang/net
 *   cde1dda9 for CVE-2025-22870, vendored into net/http by Go 1.23.7 and 1.24.1). Go
 *   before that ran the domain rules on an IP host's text too, so `NO_PROXY=2.3` sent 10.1.2.3 and
 *   `.254` sent 169.254.169.254 direct. Which Go a daemon was built with is not in evidence: where
 *   the two disagree (a domain entry matches an IP host no IP entry covers) the answer is undecided;
 * - `foo.com` matches foo.com and its subdomains; `.foo.com` and `*.foo.com` match subdomains only
 *   (`strings.HasSuffix(host, ".foo.com")`), not foo.com itself;
 * - the request host is lower-cased, its port defaulted from the scheme (http 80, https 443).
 * Not ported: IDNA conversion of non-ASCII names (such a host is left as written) and the CGI guard.
 */
export interface GoProxySettings {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

/** Per name or address: whether any port matches, else the ports that do. */
interface PortRule {
  any: boolean;
  readonly ports: Set<string>;
}

/**
 * Most CIDR entries compared with an address: a real NO_PROXY lists a handful. Past it an IP host
 * no exact entry covers is undecided, never called proxied: each decision stays bounded.
 */
export const MAX_CIDR_ENTRIES = 256;

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };

// net.ParseIP's forms: dotted-quad IPv4 without leading zeros (Go 1.17 on), or IPv6 without zone.
const IPV4 = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;

/** An address as net.ParseIP reads it, IPv4-mapped IPv6 as IPv4 (net.IP.Equal does the same), or null. */
function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (IPV4.test(text))
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  return ipaddr.process(text);
}

/** net.SplitHostPort for an entry: host and port, or null when it has no port (then the whole is the host). */
function splitHostPort(entry: string): { host: string; port: string } | null {
  const bracket = /^\[([^\]]*)\]:([^:]*)$/.exec(entry);
  if (bracket) return { host: bracket[1]!, port: bracket[2]! };
  const colon = entry.indexOf(':');
  if (colon < 0 || colon !== entry.lastIndexOf(':') || entry.includes('[')) return null;
  return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

function addPort(map: Map<string, PortRule>, key: string, port: string): void {
  let rule = map.get(key);
  if (!rule) {
    rule = { any: false, ports: new Set() };
    map.set(key, rule);
  }
  if (port === '') rule.any = true;
  else rule.ports.add(port);
}

const allows = (rule: PortRule | undefined, port: string) =>
  rule !== undefined && (rule.any || rule.ports.has(port));

/** A daemon's proxy settings compiled once; `proxyFor` costs the host's length plus at most MAX_CIDR_ENTRIES. */
export class GoProxyChoice {
  private readonly all: boolean = false;
  /** Names of entries without a leading dot: the name itself matches (`matchHost`). */
  private readonly names = new Map<string, PortRule>();
  /** `.suffix` of every domain entry: names ending in it match. */
  private readonly suffixes = new Map<string, PortRule>();
  /** IP entries by their canonical text. */
  private readonly ips = new Map<string, PortRule>();
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  constructor(readonly settings: GoProxySettings) {
    for (const raw of settings.noProxy.split(',')) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      if (entry === '*') {
        this.all = true;
        return;
      }
      const slash = entry.indexOf('/');
      if (slash > 0) {
        // net.ParseCIDR: an address by ParseIP's rules, then a decimal prefix length in range.
        const ip = parseIp(entry.slice(0, slash));
        const bits = entry.slice(slash + 1);
        if (ip && /^\d{1,3}$/.test(bits)) {
          const prefix = Number(bits);
          const max = ip.kind() === 'ipv4' && IPV4.test(entry.slice(0, slash)) ? 32 : 128;
          if (prefix <= max) {
            // An IPv4 network written as IPv4-mapped IPv6 keeps its IPv6 length: shift it back.
            this.cidrs.push([
              ip,
              ip.kind() === 'ipv4' && max === 128 ? Math.max(0, prefix - 96) : prefix,
            ]);
            continue;
          }
        }
      }
      const split = splitHostPort(entry);
      let host = split ? split.host : entry;
      const port = split ? split.port : '';
      if (split && host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
      const ip = parseIp(host);
      if (ip) {
        addPort(this.ips, ip.toString(), port);
        continue;
      }
      if (host === '') continue; // malformed (`:80`): Go ignores it
      if (host.startsWith('*.')) host = host.slice(1);
      if (!host.startsWith('.')) addPort(this.names, host, port);
      addPort(this.suffixes, host.startsWith('.') ? host : `.${host}`, port);
    }
  }

  /**
   * The proxy URL Go would use for `scheme://host:port`, null for a direct connection, undefined
   * when NO_PROXY has more CIDR entries than are compared (MAX_CIDR_ENTRIES) and none decided, or
   * when Go versions disagree (a domain entry matching an IP host).
   * `host` as the URL names it (brackets of an IPv6 literal removed); `port` empty for the default.
   */
  proxyFor(scheme: string, host: string, port = ''): string | null | undefined {
    const s = scheme.toLowerCase();
    const proxy =
      s === 'https' ? this.settings.httpsProxy : s === 'http' ? this.settings.httpProxy : '';
    if (proxy === '') return null;
    const use = this.useProxy(host.toLowerCase(), port || (DEFAULT_PORT[s] ?? ''));
    return use === undefined ? undefined : use ? proxy : null;
  }

  private useProxy(host: string, port: string): boolean | undefined {
    if (host === 'localhost') return false;
    const ip = parseIp(host);
    if (ip) {
      if (ip.range() === 'loopback') return false;
      if (this.all || allows(this.ips.get(ip.toString()), port)) return false;
      // A CIDR entry matches whatever the port, as upstream's cidrMatch does.
      const cidrs = this.cidrs.slice(0, MAX_CIDR_ENTRIES);
      if (cidrs.some(([net, bits]) => ip.kind() === net.kind() && ip.match(net, bits)))
        return false;
      // Go >= 1.23.7 / 1.24.1 proxies it, an older Go goes direct: undecided.
      if (this.domainMatches(host, port)) return undefined;
      return this.cidrs.length > MAX_CIDR_ENTRIES ? undefined : true;
    }
    return !(this.all || this.domainMatches(host, port));
  }

  /** Whether a domain entry covers `host` (upstream's domainMatch on the host's text). */
  private domainMatches(host: string, port: string): boolean {
    if (allows(this.names.get(host), port)) return true;
    // strings.HasSuffix(host, ".suffix") for every entry: the suffixes of host that start at a dot.
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      if (allows(this.suffixes.get(host.slice(dot)), port)) return true;
    }
    return false;
  }
}
