import { describe, expect, it } from 'vitest';
import { dnsLookup, nameScope } from '../../../../lambdas/core/classify/facts/dns-lookup.js';

const facts = (text: string) =>
  dnsLookup
    .extract('k8s.pod-logs', text)
    .map((f) => ({ line: f.line, ...f.fields }) as Record<string, unknown>);

describe('dns.lookup', () => {
  it('reads a Go lookup that the resolver answered NXDOMAIN for a provider endpoint', () => {
    expect(
      facts(
        'Post "https://sts.us-east-5.amazonaws.com": dial tcp: lookup sts.us-east-5.amazonaws.com on 172.20.0.10:53: no such host',
      ),
    ).toEqual([
      { line: 1, host: 'sts.us-east-5.amazonaws.com', scope: 'provider', answer: 'nxdomain' },
    ]);
  });
  it('tells a resolver that fails (timeout, SERVFAIL, refused) from one that answers', () => {
    const text = [
      'dial tcp: lookup kubernetes.default.svc : i/o timeout',
      'dial tcp: lookup github.com on 10.96.0.10:53: server misbehaving',
      'lookup registry-1.docker.io on [::1]:53: read udp [::1]:50843->[::1]:53: read: connection refused',
      'getaddrinfo EAI_AGAIN metadata.google.internal:80',
      'servicecontrol.googleapis.com could not be resolved (110: Operation timed out)',
    ].join('\n');
    expect(facts(text).map((f) => [f.host, f.answer])).toEqual([
      ['kubernetes.default.svc', 'timeout'],
      ['github.com', 'servfail'],
      ['registry-1.docker.io', 'refused'],
      ['metadata.google.internal', 'timeout'],
      ['servicecontrol.googleapis.com', 'timeout'],
    ]);
  });
  it('reads musl\'s EAI_AGAIN ("Try again", Go\'s cgo resolver on Alpine) as the resolver timing out', () => {
    expect(
      facts('dial tcp: lookup orders.shop.svc.cluster.local: Try again').map((f) => f.answer),
    ).toEqual(['timeout']);
  });
  it("reads a C program's getaddrinfo failure (glibc's and musl's messages) after the host it dialled", () => {
    const text = [
      'Could not connect to Redis at redis-ha:26379: Try again',
      'psql: error: could not translate host name "db.shop.svc.cluster.local" to address: Name or service not known',
      'curl: (6) getaddrinfo() thread failed to start',
      'ping: queue.internal.test: Name does not resolve',
      'wget: unable to resolve host address; mirror.example.test: Temporary failure in name resolution.',
    ].join('\n');
    expect(facts(text).map((f) => [f.line, f.host, f.answer])).toEqual([
      [1, 'redis-ha', 'timeout'],
      [2, 'db.shop.svc.cluster.local', 'nxdomain'],
      [4, 'queue.internal.test', 'nxdomain'],
      [5, 'mirror.example.test', 'timeout'],
    ]);
  });
  it('reads the host and answer of the clients that name both (libpq, urllib3, Ruby, PHP, Java, MySQL)', () => {
    const text = [
      'psql: error: could not translate host name "db.shop.svc.cluster.local" to address: Temporary failure in name resolution',
      'NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve \'sts.eu-west-9.amazonaws.com\' ([Errno -2] Name or service not known)")',
      'Failed to open TCP connection to rubygems.org:443 (getaddrinfo: Temporary failure in name resolution)',
      'SQLSTATE[HY000] [2002] getaddrinfo for mysql failed: Name or service not known',
      'java.net.UnknownHostException: kafka-0.kafka.svc: Temporary failure in name resolution',
      "ERROR 2005 (HY000): Unknown MySQL server host 'mysql' (-3)",
      "ERROR 2005 (HY000): Unknown MySQL server host 'mysql.prod.test' (-2)",
    ].join('\n');
    expect(facts(text).map((f) => [f.line, f.host, f.scope, f.answer])).toEqual([
      [1, 'db.shop.svc.cluster.local', 'cluster', 'timeout'],
      [2, 'sts.eu-west-9.amazonaws.com', 'provider', 'nxdomain'],
      [3, 'rubygems.org', 'other', 'timeout'],
      [4, 'mysql', 'cluster', 'nxdomain'],
      [5, 'kafka-0.kafka.svc', 'cluster', 'timeout'],
      [6, 'mysql', 'cluster', 'timeout'],
      [7, 'mysql.prod.test', 'other', 'nxdomain'],
    ]);
  });
  it('reads many client wordings without a host on a long line in time linear in the line', () => {
    const line = `${"Failed to resolve '".repeat(20000)}${'could not translate host name "'.repeat(20000)}`;
    const started = process.cpuUsage();
    expect(facts(line)).toEqual([]);
    const spent = process.cpuUsage(started);
    expect((spent.user + spent.system) / 1000).toBeLessThan(1000);
  });
  it('reads wordings repeated without their end (no closing parenthesis, a carriage return) in time linear in the line', () => {
    const lines = [
      "Failed to resolve 'a.test' (".repeat(20000),
      'Failed to open TCP connection to a.test (getaddrinfo: '.repeat(20000),
      `${'lookup a.test: '.repeat(20000)}\r`,
      `${'could not translate host name "a.test" to address: '.repeat(20000)}\u2028`,
      `${'UnknownHostException: a.test: '.repeat(20000)}\r`,
    ];
    for (const line of lines) {
      const started = process.cpuUsage();
      facts(line);
      const spent = process.cpuUsage(started);
      expect((spent.user + spent.system) / 1000, line.slice(0, 40)).toBeLessThan(1000);
    }
  });
  it('reads the answer up to a carriage return inside the line', () => {
    expect(
      facts('dial tcp: lookup db.shop.svc on 10.96.0.10:53: no such host\rretrying').map((f) => [
        f.host,
        f.answer,
      ]),
    ).toEqual([['db.shop.svc', 'nxdomain']]);
  });
  it('reads no host where the message is advice or follows a bare word', () => {
    const text = [
      'E: Could not get lock /var/lib/dpkg/lock: Try again later',
      'ERROR: Try again',
      'main.go:42: Try again',
      'resolver.py:118: Temporary failure in name resolution',
      'socket.gaierror: [Errno -3] Temporary failure in name resolution',
    ].join('\n');
    expect(facts(text)).toEqual([]);
  });
  it("reads a host in a top-level domain that is also a source file's extension (.cc)", () => {
    expect(
      facts('Could not connect to Redis at cache.example.cc:6379: Name or service not known').map(
        (f) => f.host,
      ),
    ).toEqual(['cache.example.cc']);
  });
  it('reads a getaddrinfo message after a long run without spaces in time linear in the line', () => {
    const run = 'a.'.repeat(128 * 1024);
    const started = process.cpuUsage();
    expect(facts(`${run}-: Try again\n${'1'.repeat(256 * 1024)}: Try again`)).toEqual([]);
    const spent = process.cpuUsage(started);
    expect((spent.user + spent.system) / 1000).toBeLessThan(1000);
  });
  it('reads nslookup, host and Node NXDOMAIN wordings', () => {
    const text =
      "** server can't find api.ecr.us-west-1a.amazonaws.com: NXDOMAIN\nHost mobile.eu-central-1.amazonaws.com not found: 3(NXDOMAIN)\nError: getaddrinfo ENOTFOUND s3.asd.amazonaws.com";
    expect(facts(text).map((f) => f.answer)).toEqual(['nxdomain', 'nxdomain', 'nxdomain']);
  });
  it('reads a lookup whose answer a terminal wrapped onto the next line, quoting the first line', () => {
    const text =
      'E1201 kubelet.go:2412] lookup ABCDEF0123.gr7.eu-west-1.eks.amazonaws.com\n  on 172.18.0.2:53: no such host\nnext line';
    const [fact] = dnsLookup.extract('kubelet.journal', text);
    expect(fact?.fields).toEqual({
      host: 'ABCDEF0123.gr7.eu-west-1.eks.amazonaws.com',
      scope: 'provider',
      answer: 'nxdomain',
    });
    expect([fact?.line, fact?.text]).toEqual([
      1,
      'E1201 kubelet.go:2412] lookup ABCDEF0123.gr7.eu-west-1.eks.amazonaws.com',
    ]);
  });
  it('joins a wrapped lookup to one following line only, and reads a complete next line on its own', () => {
    const text =
      'lookup a.example.com\nlookup b.example.com on 10.0.0.2:53: server misbehaving\nplain text';
    expect(facts(text).map((f) => [f.line, f.host, f.answer])).toEqual([
      [2, 'b.example.com', 'servfail'],
    ]);
  });
  it('reads a name with a port or scheme in it (Go prints what it was handed) whole, as no host name', () => {
    const text = [
      'lookup 10.100.0.1:tcp: no such host',
      'dial tcp: lookup tcp://10.100.14.2:8080: no such host',
      'dial tcp: lookup 172.20.0.15: no such host',
      // The resolver's address is no part of the name.
      'lookup orders.shop.svc on 10.100.0.10:53: no such host',
    ].join('\n');
    expect(facts(text).map((f) => [f.host, f.scope, f.answer])).toEqual([
      ['10.100.0.1:tcp', 'malformed', 'nxdomain'],
      ['tcp://10.100.14.2:8080', 'malformed', 'nxdomain'],
      ['172.20.0.15', 'malformed', 'nxdomain'],
      ['orders.shop.svc', 'cluster', 'nxdomain'],
    ]);
  });
  it('reads a long run of colons after "lookup" in time linear in the line', () => {
    const run = `lookup ${'a:'.repeat(128 * 1024)}`;
    const started = process.cpuUsage();
    expect(facts(`${run}\n${run}b`)).toEqual([]);
    const spent = process.cpuUsage(started);
    expect((spent.user + spent.system) / 1000).toBeLessThan(1000);
  });
  it('ignores lines that are not failed lookups', () => {
    expect(facts('Pulling image "nginx:1.25"\nlookup table rebuilt')).toEqual([]);
  });
});

describe('nameScope', () => {
  it('separates cluster names, registries, provider APIs and other names', () => {
    expect(
      [
        'my-svc.shop.svc.cluster.local',
        'kubernetes.default',
        'redis',
        '1234.dkr.ecr.eu-west-1.amazonaws.com',
        'registry-1.docker.io',
        'sts.amazonaws.com',
        'ssm.ap-southeast-2.api.aws',
        'servicecontrol.googleapis.com',
        'github.com',
        '10.96.0.1',
        '10.96.0.1:tcp',
        'tcp://10.96.91.199:6443',
      ].map(nameScope),
    ).toEqual([
      'cluster',
      'cluster',
      'cluster',
      'registry',
      'registry',
      'provider',
      'provider',
      'provider',
      'other',
      'malformed',
      'malformed',
      'malformed',
    ]);
  });
  it("reads nginx's unresolved host in time linear in the line (a long run without spaces)", () => {
    const run = 'a'.repeat(256 * 1024);
    const started = process.cpuUsage();
    const found = facts(`${run}.example.test could not be resolved (3: Host not found)\n${run}`);
    const spent = process.cpuUsage(started);
    expect(found.map((f) => [String(f.host).length, f.answer])).toEqual([
      [run.length + 13, 'nxdomain'],
    ]);
    // A pattern beginning with the host's character class is tried at every position of the run:
    // about 3e10 steps here (minutes); finding the literal first is milliseconds.
    expect((spent.user + spent.system) / 1000).toBeLessThan(1000);
  });
});
