import { LINE_CAP } from '../../scan-limits.js';
import { clip, type Fact, forEachLine } from '../fact.js';
import { destinationScope } from '../proxy-request.js';
import {
  type Daemon,
  type DaemonProxyEnvironment,
  daemonProxyEnvironments,
} from './daemon-proxy-environment.js';
import { MAX_JOINED_FACTS, type JoinInput } from './fact-join.js';
import { GoProxyChoice } from './go-http-proxy.js';
import { endpointOf } from './proxy-dial.js';

/** Distinct (daemon, scheme, host, port) decided per bundle: each costs the CIDR entries once. */
const MAX_DECISIONS = 512;

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

// The kubelet's prober (pkg/kubelet/prober: prober.go's "Probe failed", the worker's probeResult=,
// the Unhealthy event's "Readiness probe failed: ...") dials the pod itself: its HTTP transport sets
// `Proxy: http.ProxyURL(nil)` (pkg/probe/http, kubernetes/kubernetes#68663), whatever the environment.
const PROBER =
  /\bprober\.go:|"Probe failed"|\bprobeResult=|\b(?:Liveness|Readiness|Startup) probe (?:failed|errored)/;

/** Who made a request logged on this line, or null when it is no daemon's proxied request. */
function daemonOfLine(section: string, line: string): Daemon | null {
  if (PROBER.test(line)) return null;
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

/** Where the request was for: the cluster's API endpoint, or destinationScope's classes. */
function destinationOf(host: string): string {
  if (/\.eks\.amazonaws\.com(\.cn)?$/.test(host)) return 'cluster-api';
  if (/\.internal$/.test(host)) return 'private';
  return destinationScope(host);
}

/** The proxy.routed join's reading (proxy-routed.ts), loaded with the deferred readers. */
export function readProxyRouted(input: JoinInput): Fact[] {
  const settings = input.facts('proxy.setting');
  if (settings.length === 0) return [];
  const environmentOf = daemonProxyEnvironments(settings, input.allSections);
  const choices = new Map<
    Daemon,
    { settings: DaemonProxyEnvironment; choice: GoProxyChoice } | null
  >();
  const choiceFor = (daemon: Daemon) => {
    if (!choices.has(daemon)) {
      const env = environmentOf(daemon);
      choices.set(
        daemon,
        env && {
          settings: env,
          choice: new GoProxyChoice({
            httpProxy: env.http,
            httpsProxy: env.https,
            noProxy: env.no,
          }),
        },
      );
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
