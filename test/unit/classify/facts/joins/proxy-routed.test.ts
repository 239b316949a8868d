import { describe, expect, it } from 'vitest';
import { proxyRouted } from '../../../../../lambdas/core/classify/facts/joins/proxy-routed.js';
import { joined } from './join-input.js';

const ENDPOINT = '0123456789abcdef0123456789abcdef.gr7.us-west-2.eks.amazonaws.com';
/** net.proxy as the EKS collector files it (pm_probe_proxy), kubelet's NO_PROXY given. */
const kubeletProxy = (noProxy: string, containerdEnviron = '(pid 812: none)') =>
  [
    '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
    'HTTPS_PROXY=http://****@10.0.0.5:3128',
    `NO_PROXY=${noProxy}`,
    '# proxy variables of containerd from /proc/<pid>/environ (credentials masked)',
    containerdEnviron,
  ].join('\n');
const NO_PROXY_WITHOUT_ENDPOINT =
  'localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local,10.100.0.0/16';
// The proxy refused the CONNECT: Go reports the bare status text after the URL.
const registerFailed = `E1203 12:00:00.000000 3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${ENDPOINT}/api/v1/nodes\\": Forbidden"`;

describe("proxy.routed (a daemon's failing request its own NO_PROXY sends to the proxy)", () => {
  it("joins the kubelet's API call with its NO_PROXY that misses the EKS endpoint", () => {
    expect(
      joined(proxyRouted, {
        'net.proxy': kubeletProxy(NO_PROXY_WITHOUT_ENDPOINT),
        'kubelet.journal': registerFailed,
      }),
    ).toEqual([
      {
        daemon: 'kubelet',
        scheme: 'https',
        host: ENDPOINT,
        port: '443',
        destination: 'cluster-api',
        proxy: '10.0.0.5:3128',
        noProxy: NO_PROXY_WITHOUT_ENDPOINT,
        shown: false,
      },
    ]);
  });

  it('a Service ClusterIP outside the CIDR NO_PROXY lists, through proxyconnect, is private', () => {
    const facts = joined(proxyRouted, {
      'net.proxy': kubeletProxy('localhost,.svc,10.96.0.0/16'),
      'kubelet.journal':
        'E1203 12:00:01 3321 reflector.go] Get "https://172.20.0.1:443/api/v1/pods": proxyconnect tcp: dial tcp 10.0.0.5:3128: i/o timeout',
    });
    expect(facts).toMatchObject([{ host: '172.20.0.1', destination: 'private', shown: true }]);
  });

  it("containerd's pull relayed in the kubelet's log is judged by containerd's settings", () => {
    const pull =
      'E1203 kuberuntime_image.go] "Failed to pull image" err="rpc error: code = Unknown desc = failed to resolve reference \\"registry.corp.internal/web:1\\": Head \\"https://registry.corp.internal/v2/web/manifests/1\\": Service Unavailable"';
    // containerd has no proxy (pid: none): the kubelet's is not the one that pulled.
    expect(
      joined(proxyRouted, { 'net.proxy': kubeletProxy('localhost'), 'kubelet.journal': pull }),
    ).toEqual([]);
    const both = `${kubeletProxy('localhost', '(no containerd process)')}\n# systemctl show containerd --property=Environment\nEnvironment=HTTPS_PROXY=http://10.0.0.5:3128 NO_PROXY=localhost,.svc`;
    expect(joined(proxyRouted, { 'net.proxy': both, 'kubelet.journal': pull })).toMatchObject([
      { daemon: 'containerd', host: 'registry.corp.internal', destination: 'private' },
    ]);
  });

  it("systemd's DefaultEnvironment is every daemon's", () => {
    expect(
      joined(proxyRouted, {
        'net.proxy':
          '# cat /etc/systemd/system.conf\nDefaultEnvironment="HTTPS_PROXY=http://proxy.corp:3128" "NO_PROXY=localhost"',
        'docker.cli': 'Error response from daemon: Get "https://10.0.4.20:5000/v2/": Bad Gateway',
      }),
    ).toMatchObject([
      { daemon: 'dockerd', host: '10.0.4.20', port: '5000', proxy: 'proxy.corp:3128' },
    ]);
  });

  describe("the kubelet's prober never uses a proxy (pkg/probe/http: Proxy: http.ProxyURL(nil))", () => {
    const proxied = [
      '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
      'HTTP_PROXY=http://10.0.0.5:3128',
      'HTTPS_PROXY=http://10.0.0.5:3128',
      `NO_PROXY=${NO_PROXY_WITHOUT_ENDPOINT}`,
    ].join('\n');
    it.each([
      [
        'prober.go "Probe failed"',
        'I1203 12:00:00.000000 3321 prober.go:107] "Probe failed" probeType="Readiness" pod="default/web-1" podUID="5c1d" containerName="web" probeResult="failure" output="Get \\"http://100.64.12.34:8080/healthz\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"',
      ],
      [
        'the Unhealthy event relayed in the journal',
        'Dec 03 12:00:00 ip-10-0-1-5 kubelet[3321]: I1203 event.go] "Event occurred" object="default/web-1" reason="Unhealthy" message="Liveness probe failed: Get \\"http://100.64.12.34:8080/healthz\\": context deadline exceeded"',
      ],
    ])('%s is no proxied request', (_name, line) => {
      expect(joined(proxyRouted, { 'net.proxy': proxied, 'kubelet.journal': line })).toEqual([]);
    });

    it('near miss: the same target fetched by another kubelet client still counts', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': proxied,
          'kubelet.journal':
            'E1203 12:00:00.000000 3321 reflector.go:147] Get "http://100.64.12.34:8080/api/v1/pods": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        }),
      ).toMatchObject([{ daemon: 'kubelet', host: '100.64.12.34', proxy: '10.0.0.5:3128' }]);
    });
  });

  describe("NO_PROXY read whole, as Go splits it (httpproxy config.init: split on ',', trim, skip '')", () => {
    const request = 'E1203 3321 reflector.go] Get "https://10.1.2.3/api": Service Unavailable';
    const environ = (noProxy: string) =>
      `# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)\nHTTPS_PROXY=http://10.0.0.5:3128\n${noProxy}`;
    it.each([
      ['a space after a comma', 'NO_PROXY=localhost, 10.0.0.0/8'],
      ['a leading comma', 'NO_PROXY=,10.0.0.0/8'],
      [
        'both cases set, the upper-case list read whole',
        'no_proxy=localhost\nNO_PROXY=localhost, 10.0.0.0/8',
      ],
    ])('the environ: %s', (_name, noProxy) => {
      expect(
        joined(proxyRouted, { 'net.proxy': environ(noProxy), 'kubelet.journal': request }),
      ).toEqual([]);
    });

    it.each([
      [
        'a quoted word with a space',
        'Environment="HTTPS_PROXY=http://10.0.0.5:3128" "NO_PROXY=localhost, 10.0.0.0/8"',
      ],
      [
        'lists keyed by variable, not by their first entry',
        'Environment="no_proxy=localhost" "NO_PROXY=localhost,10.0.0.0/8" "HTTPS_PROXY=http://10.0.0.5:3128"',
      ],
    ])('a unit line: %s', (_name, line) => {
      expect(
        joined(proxyRouted, {
          'net.proxy': `# proxy lines of kubelet.service from systemctl cat, its unit file and drop-ins (credentials masked)\n${line}`,
          'kubelet.journal': request,
        }),
      ).toEqual([]);
    });

    it('near miss: a list that misses the host, spaces and all, still sends it to the proxy', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': environ('NO_PROXY=localhost, 192.168.0.0/16'),
          'kubelet.journal': request,
        }),
      ).toMatchObject([{ host: '10.1.2.3', noProxy: 'localhost, 192.168.0.0/16' }]);
    });
  });

  describe('whose settings a daemon runs with: its environ, else its unit (last wins), else DefaultEnvironment', () => {
    const unitHeading =
      '# proxy lines of kubelet.service from systemctl cat, its unit file and drop-ins (credentials masked)';
    it("a unit proxy systemd dropped (the environ shows none) is not the daemon's", () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': [
            '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
            '(pid 3321: none)',
            unitHeading,
            'Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128"',
          ].join('\n'),
          'kubelet.journal': registerFailed,
        }),
      ).toEqual([]);
    });

    it('the environ overrides the unit, whatever the case of the variables', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': [
            '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
            'https_proxy=http://proxy.live:3128',
            unitHeading,
            'Environment="HTTPS_PROXY=http://proxy.unit:3128"',
          ].join('\n'),
          'kubelet.journal': registerFailed,
        }),
      ).toMatchObject([{ proxy: 'proxy.live:3128' }]);
    });

    it("without an environ the unit's last assignment wins, over DefaultEnvironment", () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': [
            unitHeading,
            '# /usr/lib/systemd/system/kubelet.service',
            'Environment="HTTPS_PROXY=http://proxy.old:3128"',
            '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
            'Environment="HTTPS_PROXY=http://proxy.new:3128"',
            '# proxy variables of the systemd manager from systemctl show --property=DefaultEnvironment: every unit inherits them (credentials masked)',
            'DefaultEnvironment="HTTPS_PROXY=http://proxy.default:3128"',
          ].join('\n'),
          'kubelet.journal': registerFailed,
        }),
      ).toMatchObject([{ proxy: 'proxy.new:3128' }]);
    });
  });

  describe('near misses: no fact', () => {
    it.each([
      ['.eks.amazonaws.com', `${NO_PROXY_WITHOUT_ENDPOINT},.eks.amazonaws.com`],
      ['the endpoint host itself', `localhost,${ENDPOINT.toUpperCase()}`],
      ['*', '*'],
    ])('NO_PROXY covers the endpoint (%s)', (_name, noProxy) => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy(noProxy),
          'kubelet.journal': registerFailed,
        }),
      ).toEqual([]);
    });

    it('NO_PROXY covers the IP by a CIDR containing it', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy('10.96.0.0/12'),
          'kubelet.journal': 'Get "https://10.100.0.1:443/api": Service Unavailable',
        }),
      ).toEqual([]);
    });

    it('the proxy is set only in a login shell (the daemon has none)', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': `export HTTPS_PROXY=http://10.0.0.5:3128\nexport NO_PROXY=localhost`,
          'kubelet.journal': registerFailed,
        }),
      ).toEqual([]);
    });

    it('the request succeeded', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy(NO_PROXY_WITHOUT_ENDPOINT),
          'kubelet.journal': `I1203 round_trippers.go] "Response" verb="POST" url="https://${ENDPOINT}/api/v1/nodes" status="201 Created" milliseconds=12\nI1203 POST https://${ENDPOINT}/api/v1/nodes?timeout=10s 201 Created in 12 milliseconds`,
        }),
      ).toEqual([]);
    });

    it('the daemon dialled or resolved the target itself: it went direct, whatever the settings say', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy(NO_PROXY_WITHOUT_ENDPOINT),
          'kubelet.journal': [
            `Post "https://${ENDPOINT}/api/v1/nodes": dial tcp 10.0.12.7:443: i/o timeout`,
            `Post "https://${ENDPOINT}/api/v1/nodes": dial tcp: lookup ${ENDPOINT} on 10.0.0.2:53: no such host`,
          ].join('\n'),
        }),
      ).toEqual([]);
    });

    it("an application's request in the pod logs is no daemon's", () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy('localhost'),
          'k8s.pod-logs': 'Get "https://10.100.0.1/api": Service Unavailable',
        }),
      ).toEqual([]);
    });

    it('http to IMDS with only HTTPS_PROXY set goes direct (the scheme picks the variable)', () => {
      expect(
        joined(proxyRouted, {
          'net.proxy': kubeletProxy('localhost'),
          'kubelet.journal': 'Get "http://169.254.169.254/latest/meta-data/": Forbidden',
        }),
      ).toEqual([]);
    });
  });

  it('a failure before the incident window proves nothing', () => {
    const sections = { 'net.proxy': kubeletProxy('localhost'), 'kubelet.journal': registerFailed };
    expect(joined(proxyRouted, sections)).toHaveLength(1);
    expect(joined(proxyRouted, sections, () => false)).toEqual([]);
  });
});
