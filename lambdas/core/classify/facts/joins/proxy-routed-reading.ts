import { LINE_CAP } from '../../scan-limits.js';
import { clip, type Fact, type FactLine, forEachLine } from '../fact.js';
import { destinationScope } from '../proxy-request.js';
import { MAX_JOINED_FACTS, type JoinInput, type JoinSection } from './fact-join.js';
import { GoProxyChoice } from './go-http-proxy.js';
import { endpointOf } from './proxy-dial.js';

/** The Go daemons whose proxy settings the collectors show and whose logs they read. */
type Daemon = 'kubelet' | 'containerd' | 'dockerd';

/** One daemon's proxy variables: the value Go reads (FromEnvironment) and the lines showing it. */
interface DaemonSettings {
  http: string;
  https: string;
  no: string;
  /** Whether each value came from the upper-case variable, which Go prefers when non-empty. */
  readonly upper: Record<'http' | 'https' | 'no', boolean>;
  readonly lines: FactLine[];
}

const VARIABLE_KEY: Readonly<Record<string, 'http' | 'https' | 'no' | undefined>> = {
  http_proxy: 'http',
  https_proxy: 'https',
  no_proxy: 'no',
};

/** Distinct (daemon, scheme, host, port) decided per bundle: each costs the CIDR entries once. */
const MAX_DECISIONS = 512;

const DAEMON_NAME = /\b(kubelet|containerd|dockerd|docker)\b/i;
// What opens a block of settings in net.proxy or host.services: a heading, a prompt, a command.
const HEADING = /^\s*(#|\$|➜)|systemctl|\.service\b|\/proc\/|daemon\.json/i;

// A request a Go client failed (net/http's url.Error: `Get "https://host/path": <cause>`), with the
// quotes escaped when klog prints it inside err="...". Bounded runs from a literal: linear.
const REQUEST =
  /\b(?:Get|Head|Post|Put|Patch|Delete|GET|HEAD|POST|PUT|PATCH|DELETE) \\?"?(https?):\/\/(?:[^\s@/"\\]{1,256}@)?(\[[0-9a-fA-F:.]{2,45}\]|[\w.-]{1,253})(?::(\d{1,5}))?[/"\\?\s]/;
// The causes a request through a proxy fails with: the proxy unreachable or refusing (proxyconnect,
// 407, the CONNECT status text), the target unreachable from the proxy (502/503/504, timeouts) or
// a proxy's own certificate. Literal alternatives only: linear on any line.
const FAILED =
  /proxyconnect|Forbidden|Service Unavailable|Bad Gateway|Gateway Timeout|Proxy Authentication Required|\b(403|407|502|503|504)\b|x509: |tls: |TLS handshake|context deadline exceeded|Client\.Timeout|i\/o timeout|timed out|connection refused|connection reset|no route to host|network is unreachable|unexpected EOF|: EOF/;
// A Go client that uses a proxy never dials or resolves the target itself (the proxy does), so a
// dial or lookup naming another host than the proxy shows a direct connection: not this fault.
const DIAL = /\bdial tcp:? (?:lookup )?(\[[0-9a-fA-F:.]{2,45}\]|[\w.-]{1,253})/g;

/** Who made a request logged on this line, or null when it is no daemon's line. */
function daemonOfLine(section: string, line: string): Daemon | null {
  // The CRI runtime pulls; the kubelet (and its events) only relay the runtime's error.
  if (
    /rpc error|failed to pull and unpack|failed to resolve reference|Failed to pull image/.test(
      line,
    )
  )
    return section.startsWith('docker.') ? 'dockerd' : 'containerd';
  if (/\bkubelet\[\d+\]/.test(line)) return 'kubelet';
  if (/\bcontainerd\[\d+\]/.test(line)) return 'containerd';
  if (/\bdockerd\[\d+\]|Error response from daemon/.test(line)) return 'dockerd';
  if (section === 'kubelet.journal') return 'kubelet';
  if (section === 'containerd.journal') return 'containerd';
  if (section === 'docker.journal') return 'dockerd';
  return null;
}

/** The daemon a settings line belongs to (the heading above it), or null for every daemon. */
function settingsByDaemon(
  settings: readonly Fact[],
  sections: readonly JoinSection[],
): Map<Daemon | null, DaemonSettings> {
  const groups = new Map<Daemon | null, DaemonSettings>();
  const bySection = new Map<string, Fact[]>();
  for (const f of settings) {
    if (f.fields.scope !== 'daemon') continue;
    const list = bySection.get(f.section);
    if (list) list.push(f);
    else bySection.set(f.section, [f]);
  }
  for (const { name, output } of sections) {
    const facts = bySection.get(name);
    if (!facts) continue;
    const headingOf = new Map<number, Daemon | null>();
    const noProxyLists = new Map<number, Map<string, { value: string; upper: boolean }>>();
    const wanted = new Set(facts.map((f) => f.line));
    let current: Daemon | null = null;
    forEachLine(output, (line, lineNo) => {
      if (HEADING.test(line) && !/^\s*(Default)?Environment=/.test(line)) {
        const named = DAEMON_NAME.exec(line)?.[1]?.toLowerCase();
        current = named === 'docker' ? 'dockerd' : ((named as Daemon | undefined) ?? null);
      }
      // systemd's manager-wide DefaultEnvironment is every unit's, under whatever heading.
      if (wanted.has(lineNo)) {
        headingOf.set(lineNo, /^\s*DefaultEnvironment=/.test(line) ? null : current);
        noProxyLists.set(lineNo, noProxyListsOf(line));
      }
    });
    for (const f of facts) {
      const daemon = headingOf.get(f.line) ?? null;
      let group = groups.get(daemon);
      if (!group) {
        group = {
          http: '',
          https: '',
          no: '',
          upper: { http: false, https: false, no: false },
          lines: [],
        };
        groups.set(daemon, group);
      }
      const key = VARIABLE_KEY[String(f.fields.variable)];
      const found = String(f.fields.value ?? '');
      if (!key || found === '') continue;
      // proxy.setting stops a value at a comma (a JSON separator) and its text is clipped: NO_PROXY's
      // list is read whole from the line itself.
      const whole = key === 'no' ? noProxyLists.get(f.line)?.get(found) : undefined;
      const value = whole?.value ?? found;
      // FromEnvironment: HTTPS_PROXY before https_proxy, whichever is non-empty.
      const upper =
        key === 'no'
          ? (whole?.upper ?? false)
          : f.text.includes(`${String(f.fields.variable).toUpperCase()}=`);
      if (group[key] === '' || (upper && !group.upper[key])) {
        group[key] = value;
        group.upper[key] = upper;
      }
      if (group.lines.length < 8)
        group.lines.push({ section: f.section, line: f.line, text: f.text });
    }
  }
  return groups;
}

// proxy-setting.ts's VARIABLE with commas allowed in the value: NO_PROXY's list.
const NO_PROXY_VALUE = /\bno[_ -]?proxy"?\s*[:=][ \t]*"?(?![\w-]*proxy"?\s*[:=])([^\s"']*)/gi;

/** A line's whole NO_PROXY lists, by the head proxy.setting read (up to the first comma): one pass. */
function noProxyListsOf(line: string): Map<string, { value: string; upper: boolean }> {
  const lists = new Map<string, { value: string; upper: boolean }>();
  for (const m of line.matchAll(NO_PROXY_VALUE)) {
    const value = m[1]!.replace(/[,}]+$/, '');
    const head = /^[^,}]*/.exec(value)![0];
    if (!lists.has(head)) lists.set(head, { value, upper: m[0].startsWith('NO_PROXY') });
  }
  return lists;
}

/** Where the request was for: the cluster's API endpoint, or destinationScope's classes. */
function destinationOf(host: string): string {
  if (/\.eks\.amazonaws\.com(\.cn)?$/.test(host)) return 'cluster-api';
  if (/\.internal$/.test(host)) return 'private';
  return destinationScope(host);
}

/** The proxy.routed join's reading (proxy-routed.ts), loaded with the deferred readers. */
export function readProxyRouted(input: JoinInput): Fact[] {
  const groups = settingsByDaemon(input.facts('proxy.setting'), input.allSections);
  if (groups.size === 0) return [];
  const choices = new Map<Daemon, { settings: DaemonSettings; choice: GoProxyChoice } | null>();
  const choiceFor = (daemon: Daemon) => {
    if (!choices.has(daemon)) {
      // A unit's own Environment= overrides DefaultEnvironment variable by variable.
      const all = groups.get(null);
      const own = groups.get(daemon);
      if (!all && !own) choices.set(daemon, null);
      else {
        const pick = (k: 'http' | 'https' | 'no') => own?.[k] || all?.[k] || '';
        const settings: DaemonSettings = {
          http: pick('http'),
          https: pick('https'),
          no: pick('no'),
          upper: { http: false, https: false, no: false },
          lines: [...(own?.lines ?? []), ...(all?.lines ?? [])].slice(0, 8),
        };
        const choice = new GoProxyChoice({
          httpProxy: settings.http,
          httpsProxy: settings.https,
          noProxy: settings.no,
        });
        choices.set(daemon, { settings, choice });
      }
    }
    return choices.get(daemon) ?? null;
  };
  const decided = new Map<string, string | null>(); // null: direct, or undecided
  const facts: Fact[] = [];
  for (const { name, output } of input.allSections) {
    if (facts.length >= MAX_JOINED_FACTS || decided.size >= MAX_DECISIONS) break;
    if (!output.includes('://')) continue;
    forEachLine(output, (whole, lineNo) => {
      if (facts.length >= MAX_JOINED_FACTS || decided.size >= MAX_DECISIONS) return false;
      if (!whole.includes('://')) return;
      const line = whole.length > LINE_CAP ? whole.slice(0, LINE_CAP) : whole;
      const request = REQUEST.exec(line);
      if (!request || !FAILED.test(line)) return;
      const daemon = daemonOfLine(name, line);
      const chosen = daemon && choiceFor(daemon);
      if (!chosen || !input.counts(name, whole)) return;
      const scheme = request[1]!.toLowerCase();
      const host = request[2]!.toLowerCase().replace(/^\[|\]$/g, '');
      const port = request[3] ?? '';
      const key = `${daemon}\u0000${scheme}\u0000${host}\u0000${port}`;
      if (!decided.has(key)) decided.set(key, chosen.choice.proxyFor(scheme, host, port) ?? null);
      const proxy = decided.get(key);
      if (!proxy) return;
      const endpoint = endpointOf(proxy);
      if (!endpoint) return;
      const proxyHost = endpoint.host.replace(/^\[|\]$/g, '');
      // Behind `proxyconnect` the dial is the proxy's (by its resolved address, maybe).
      if (!line.includes('proxyconnect'))
        for (const dial of line.matchAll(DIAL)) {
          if (dial[1]!.toLowerCase().replace(/^\[|\]$/g, '') !== proxyHost) return;
        }
      const proxyLiteral = endpoint.port ? `${endpoint.host}:${endpoint.port}` : endpoint.host;
      facts.push({
        kind: 'proxy.routed',
        section: name,
        line: lineNo,
        text: clip(line.trim()),
        fields: {
          daemon,
          scheme,
          host,
          port: port || (scheme === 'https' ? '443' : '80'),
          destination: destinationOf(host),
          proxy: proxyLiteral,
          noProxy: clip(chosen.settings.no, 200),
          shown: /proxyconnect/.test(line) || line.toLowerCase().includes(proxyLiteral),
        },
        joined: chosen.settings.lines,
      });
    });
  }
  return facts;
}
