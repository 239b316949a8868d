import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

// A forward proxy's access log: squid's native format (`<epoch>.<ms> <elapsed> <client>
// <result>/<status> <bytes> <method> <url> ...`), or the common/combined format with the request
// target in absolute form (`"GET http://host/path HTTP/1.1" 503`, `"CONNECT host:443 HTTP/1.1"`),
// which clients send only to a proxy: a web server's own log shows origin-form targets (`/path`).
const SQUID = /^\s*\d{9,10}\.\d{3}\s+\d+\s+(\S+)\s+([A-Z_]+)\/(\d{3})\s+\d+\s+([A-Z]+)\s+(\S+)/;
// Neither token may cross a quote, so every start's scan ends at the next `"`: linear in the line.
const COMMON =
  /"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT) ((?:https?:\/\/)?[^\s/"]+)(?:\/[^\s"]*)? HTTP\/[\d.]{1,5}" (\d{3})/;

/**
 * Whose address the request asked the proxy to reach: loopback, link-local, a private network
 * (RFC 1918, RFC 6598 shared space, IPv6 ULA), the cluster's Service names, or anyone else's.
 */
export function destinationScope(host: string): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^(127\.|localhost$|::1$)/.test(h)) return 'loopback';
  if (/^(169\.254\.|fe[89ab][0-9a-f]:)/.test(h)) return 'link-local';
  if (
    /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|f[cd][0-9a-f]{2}:)/.test(
      h,
    )
  )
    return 'private';
  return /\.(svc|cluster\.local)$|\.svc\.|^kubernetes(\.default)?$/.test(h) ? 'cluster' : 'other';
}

/** The host a request target names (`http://host:port/path`, `host:port`, `[v6]:port`). */
function hostOf(target: string): string {
  const authority = target.replace(/^[a-z]+:\/\//i, '').replace(/[/?#].*$/, '');
  const withoutUser = authority.slice(authority.lastIndexOf('@') + 1);
  const v6 = /^\[([^\]]+)\]/.exec(withoutUser);
  return v6 ? v6[1]! : withoutUser.replace(/:\d+$/, '');
}

/**
 * Requests a forward proxy logged, with where they asked to go: fields `client`, `method`, `host`,
 * `destination` (see destinationScope), `status` (0 when the proxy got no reply) and `failed`
 * (no reply, or the proxy could not reach the destination: 502, 503, 504).
 */
export const proxyRequest: FactExtractor = {
  kind: 'proxy.request',
  // The request line's absolute-form target, never ` HTTP/1.` alone: every access log prints that.
  markers: [
    'tcp_',
    'none/',
    'none_none',
    'tag_none',
    '"get http',
    '"head http',
    '"post http',
    '"put http',
    '"patch http',
    '"delete http',
    '"options http',
    '"connect ',
  ],
  // Bounded runs, each starting at a literal: linear over the whole section.
  mayContain: (text) =>
    /\b(?:TCP|UDP|NONE|TAG_NONE)[A-Z_]{0,40}\/\d{3}\b|HTTP\/[\d.]{1,5}" \d{3}/.test(text),
  extract(section, text) {
    const facts: Fact[] = [];
    forEachLine(text, (line, lineNo) => {
      const squid = SQUID.exec(line);
      const common = squid ? null : COMMON.exec(line);
      const request = squid
        ? { client: squid[1]!, method: squid[4]!, target: squid[5]!, status: Number(squid[3]) }
        : common
          ? { client: null, method: common[1]!, target: common[2]!, status: Number(common[3]) }
          : null;
      // Origin-form targets are a server's own requests, not a proxy's.
      if (!request || (request.method !== 'CONNECT' && !/^https?:\/\//i.test(request.target)))
        return;
      const host = hostOf(request.target);
      facts.push({
        kind: 'proxy.request',
        section,
        line: lineNo,
        text: clip(line.trim()),
        fields: {
          client: request.client,
          method: request.method,
          host,
          destination: destinationScope(host),
          status: request.status,
          failed: [0, 502, 503, 504].includes(request.status),
        },
      });
    });
    return facts;
  },
};
