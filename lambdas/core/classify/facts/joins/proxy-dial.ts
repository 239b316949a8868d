import { LiteralScanner } from '../../literal-scanner.js';
import { LINE_CAP } from '../../scan-limits.js';
import { clip, type Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';

/** A configured proxy endpoint: what a failing line must name to be the proxy's failure. */
interface ProxyEndpoint {
  /** `host:port`, or the bare host when the setting names no port and the host has a dot. */
  readonly literal: string;
  readonly variable: string;
  readonly scope: string;
  readonly setting: { section: string; line: number; text: string };
}

/** Most endpoints joined: proxies are a handful per host; the bound keeps the automaton small. */
const MAX_ENDPOINTS = 16;

// A dial or a lookup that failed, in the words of libc, Go, curl, Node, Java and Python clients.
// Literal alternatives only (no quantifier to backtrack into), so the JavaScript engine is linear
// on a line the failing program wrote, and the facts stay free of the RE2 engine: handlers that
// only read facts (Intake, Collect) do not bundle it.
const DIAL_FAILED =
  /temporarily unavailable|temporary failure in name resolution|name or service not known|no such host|could not resolve|unknown host|getaddrinfo|EAI_AGAIN|ENOTFOUND|connection refused|ECONNREFUSED|connect: |timed out|i\/o timeout|connect timeout|connection timeout|ETIMEDOUT|no route to host|host is unreachable|network is unreachable|EHOSTUNREACH|connection reset|ECONNRESET|proxyconnect|failed to connect|unable to connect|cannot connect|could not connect|couldn't connect|dial tcp|authentication ?required|\b407\b/i;

/** host and port of a proxy URL (`http://user:pw@proxy.test:3128/`), or null when it names no host. */
export function endpointOf(value: string): { host: string; port: string | null } | null {
  const m =
    /^(?:[a-z][\w+.-]{0,15}:\/\/)?(?:[^@/\s]{0,256}@)?(\[[0-9a-f:]{2,45}\]|[\w.-]{1,253})(?::(\d{1,5}))?(?:[/?#]|$)/i.exec(
      value.trim(),
    );
  return m ? { host: m[1]!.toLowerCase(), port: m[2] ?? null } : null;
}

function endpoints(facts: readonly Fact[]): ProxyEndpoint[] {
  const out: ProxyEndpoint[] = [];
  const seen = new Set<string>();
  for (const f of facts) {
    if (f.fields.set !== true || f.fields.variable === 'no_proxy') continue;
    const ep = endpointOf(String(f.fields.value ?? ''));
    if (!ep) continue;
    const literal = ep.port ? `${ep.host}:${ep.port}` : ep.host.includes('.') ? ep.host : null;
    if (!literal || seen.has(literal)) continue;
    seen.add(literal);
    out.push({
      literal,
      variable: String(f.fields.variable),
      scope: String(f.fields.scope),
      setting: { section: f.section, line: f.line, text: f.text },
    });
    if (out.length >= MAX_ENDPOINTS) break;
  }
  return out;
}

const HOST_CHAR = /[\w.-]/;

/**
 * A dial or lookup that failed naming a configured proxy's host:port (`Resource temporarily
 * unavailable (proxy:8080)`, `dial tcp 10.0.0.5:3128: connect: connection refused`): the client
 * did go through the proxy, and the proxy is what failed. A proxy that is configured while the
 * failures name other hosts is no fact. Fields: proxy (host:port), variable, scope (whose setting).
 */
export const proxyDial: FactJoin = {
  kind: 'proxy.dial',
  inputs: ['proxy.setting'],
  // Sections that set a proxy; the failing lines are then looked for everywhere by the proxies'
  // own host:port literals, in one scan per section.
  markers: ['proxy'],
  join(input) {
    const settings = input.facts('proxy.setting');
    const proxies = endpoints(settings);
    if (proxies.length === 0) return [];
    const settingLines = new Set(settings.map((f) => `${f.section}\u0000${f.line}`));
    const scanner = new LiteralScanner(proxies.map((p) => p.literal));
    const facts: Fact[] = [];
    for (const { name, output } of input.allSections) {
      let lastLine = 0;
      scanner.scan(output, (hit) => {
        if (facts.length >= MAX_JOINED_FACTS || hit.line === lastLine) return;
        const proxy = proxies[hit.literal]!;
        const start = hit.end - proxy.literal.length;
        // The literal must be the whole name: `proxy:8080` in `myproxy:80801` is another endpoint.
        if (start > 0 && HOST_CHAR.test(output[start - 1]!)) return;
        if (hit.end < output.length && /[\w]/.test(output[hit.end]!)) return;
        // One test per line, whatever the number of hits on it: linear in the section.
        lastLine = hit.line;
        if (settingLines.has(`${name}\u0000${hit.line}`)) return;
        let end = output.indexOf('\n', hit.lineStart);
        if (end < 0) end = output.length;
        const line = output.slice(hit.lineStart, Math.min(end, hit.lineStart + LINE_CAP));
        if (!DIAL_FAILED.test(line) || !input.counts(name, line)) return;
        facts.push({
          kind: 'proxy.dial',
          section: name,
          line: hit.line,
          text: clip(line.trim()),
          fields: { proxy: proxy.literal, variable: proxy.variable, scope: proxy.scope },
          joined: [proxy.setting],
        });
      });
    }
    return facts;
  },
};
