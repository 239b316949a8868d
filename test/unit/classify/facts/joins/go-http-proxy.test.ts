import { describe, expect, it } from 'vitest';
import {
  GoProxyChoice,
  MAX_CIDR_ENTRIES,
} from '../../../../../lambdas/core/classify/facts/joins/go-http-proxy.js';

// Upstream's own table (golang.org/x/net/http/httpproxy, proxy_test.go: noProxy and UseProxyTests,
// github.com/golang/net at 0ca694d2a5adcce7f36d4d65e5f8d72390d94051), each host asked on port 80.
const UPSTREAM_NO_PROXY =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';
const UPSTREAM_USE_PROXY: [string, boolean][] = [
  ['localhost', false],
  ['127.0.0.1', false],
  ['127.0.0.2', false],
  ['::1', false],
  ['::2', true],
  ['192.168.1.1', false],
  ['192.168.1.2', true],
  ['192.168.1.3', false],
  ['192.168.1.4', true],
  ['10.0.0.2', false],
  ['2001:db8::52:0:1', false],
  ['2001:db8::52:0:2', true],
  ['2001:db8::52:0:3', false],
  ['2002:db8:a::123', false],
  ['fe80::424b:c8be:1643:a1b6', true],
  ['barbaz.net', true],
  ['www.barbaz.net', false],
  ['foobar.com', false],
  ['www.foobar.com', false],
  ['foofoobar.com', true],
  ['baz.com', true],
  ['localhost.net', true],
  ['local.localhost', true],
  ['barbarbaz.net', true],
  ['wildcard.io', true],
  ['nested.wildcard.io', false],
  ['awildcard.io', true],
];

const proxied = (noProxy: string, host: string, port = '', scheme = 'https') =>
  new GoProxyChoice({ httpProxy: 'http://p:1', httpsProxy: 'http://p:2', noProxy }).proxyFor(
    scheme,
    host,
    port,
  ) !== null;

/** The raw decision: the proxy URL, null for direct, undefined for undecided. */
const decide = (noProxy: string, host: string, port = '') =>
  new GoProxyChoice({ httpProxy: 'http://p:1', httpsProxy: 'http://p:2', noProxy }).proxyFor(
    'https',
    host,
    port,
  );

describe("Go's NO_PROXY rules (httpproxy.useProxy)", () => {
  it.each(UPSTREAM_USE_PROXY)('upstream table: %s proxied = %s', (host, want) => {
    expect(proxied(UPSTREAM_NO_PROXY, host, '80', 'http')).toBe(want);
  });

  it('`*` turns the proxy off for every host', () => {
    for (const [host] of UPSTREAM_USE_PROXY) expect(proxied('*', host)).toBe(false);
  });

  it('a bare domain covers itself and subdomains; a leading dot only subdomains (upstream: ".example.com" proxies example.com)', () => {
    expect(proxied('example.com', 'example.com')).toBe(false);
    expect(proxied('example.com', 'foo.example.com')).toBe(false);
    expect(proxied('.example.com', 'example.com')).toBe(true);
    expect(proxied('ample.com', 'example.com')).toBe(true);
  });

  it('the EKS endpoint: covered by `.eks.amazonaws.com`, missed by `.svc,.cluster.local`', () => {
    const host = '0123456789abcdef.gr7.us-west-2.eks.amazonaws.com';
    expect(proxied('.eks.amazonaws.com', host)).toBe(false);
    expect(proxied('localhost,169.254.169.254,.svc,.cluster.local', host)).toBe(true);
  });

  it('entries are trimmed and case-folded; the host too', () => {
    expect(proxied('  .EKS.AmazonAWS.com ', 'X.EKS.amazonaws.COM')).toBe(false);
  });

  it('a host:port entry covers that port only; a CIDR entry every port', () => {
    expect(proxied('registry.corp:5000', 'registry.corp', '5000')).toBe(false);
    expect(proxied('registry.corp:5000', 'registry.corp')).toBe(true);
    expect(proxied('10.100.0.0/16', '10.100.0.1', '6443')).toBe(false);
  });

  it('IP entries never cover names', () => {
    expect(proxied('10.0.0.0/8', 'ip-10-0-1-5.ec2.internal')).toBe(true);
    expect(proxied('169.254.169.254', '169.254.169.254')).toBe(false);
  });

  it('a domain entry matching an IP host is undecided: Go >= 1.23.7/1.24.1 proxies it, older Go went direct', () => {
    // proxy.go domainMatch.match: `if ip != nil { return false }` (golang/net cde1dda9, CVE-2025-22870).
    expect(decide('.254', '169.254.169.254')).toBeUndefined();
    expect(decide('2.3', '10.1.2.3')).toBeUndefined();
    expect(decide('*.2.3:443', '10.1.2.3')).toBeUndefined();
    // Near misses: no domain entry ends the host's text, or another port; an IP entry still decides.
    expect(decide('.25', '169.254.169.254')).toBe('http://p:2');
    expect(decide('2.3:80', '10.1.2.3')).toBe('http://p:2');
    expect(decide('2.3,10.1.2.3', '10.1.2.3')).toBeNull();
  });

  it('the scheme picks the variable: no HTTP_PROXY, http goes direct; other schemes never proxied', () => {
    const choice = new GoProxyChoice({ httpProxy: '', httpsProxy: 'http://p:2', noProxy: '' });
    expect(choice.proxyFor('http', '169.254.169.254')).toBeNull();
    expect(choice.proxyFor('https', '169.254.169.254')).toBe('http://p:2');
    expect(choice.proxyFor('ftp', 'example.com')).toBeNull();
  });

  it('malformed entries are ignored (upstream: ":1" must not panic and proxies example.com)', () => {
    expect(proxied(':1', 'example.com')).toBe(true);
    expect(proxied(',,, ,1.2.3/8,10.0.0.0/40', '10.0.0.1')).toBe(true);
  });

  it('past MAX_CIDR_ENTRIES an IP host no compared entry covers is undecided, never proxied', () => {
    const many = Array.from(
      { length: MAX_CIDR_ENTRIES + 1 },
      (_, i) => `10.${i % 256}.${i >> 8}.0/24`,
    );
    const choice = new GoProxyChoice({
      httpProxy: '',
      httpsProxy: 'http://p:2',
      noProxy: many.join(','),
    });
    expect(choice.proxyFor('https', '10.0.0.9')).toBeNull();
    expect(choice.proxyFor('https', '192.168.0.9')).toBeUndefined();
    expect(choice.proxyFor('https', 'example.com')).toBe('http://p:2');
  });
});
