// Name resolution: dns-resolution-failure (a pod's lookup through the cluster's DNS) and
// registry-dns-failure (the runtime's lookup of a registry's name). They live together because
// most of these tests are the line between the two: the same resolver wording read on a pull, in
// a pod, or from the API server dialling a kubelet.
import { describe, expect, it } from 'vitest';
import { top } from './support.js';

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it('a Go dial that timed out with no address (the lookup timed out) is cluster DNS; one with an address is not', () => {
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="RequestError: send request failed caused by: Get https://api.example.invalid/v1/items: dial tcp: i/o timeout"',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="Get https://api.example.invalid/v1/items: dial tcp 10.20.30.40:8443: i/o timeout"',
      }),
    ).not.toBe('dns-resolution-failure');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get https://registry.example.invalid/v2/: dial tcp: i/o timeout',
        },
        'docker',
      ),
    ).not.toBe('dns-resolution-failure');
  });

  it('CoreDNS not ready for as many probes as the kubelet needs is cluster DNS down; a slow start is not', () => {
    const waiting = '[INFO] plugin/ready: Still waiting on: "kubernetes"';
    expect(
      top({ 'k8s.pod-logs': `.:53\nCoreDNS-1.11.1\n${waiting}\n${waiting}\n${waiting}` }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs': `[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server\n${waiting}\n.:53\nCoreDNS-1.11.1\n[INFO] plugin/reload: Running configuration SHA512 = 0123`,
      }),
    ).toBeNull();
  });
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it('a pull whose registry lookup failed with musl\'s "Try again" is registry DNS, also wrapped over two lines; an app\'s lookup is pod DNS', () => {
    expect(
      top({
        'k8s.events':
          'Failed to pull image "registry.example.test/team/api:1.4": failed to resolve reference "registry.example.test/team/api:1.4": failed to do request: Head "https://registry.example.test/v2/team/api/manifests/1.4": dial tcp: lookup registry.example.test: Try again',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top({
        'k8s.events':
          'Failed to resolve reference "registry.example.test/team/api:1.4":\ndial tcp: lookup registry.example.test: Try again',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top({
        'k8s.pod-logs':
          'Error: Get "https://billing.example.test/health": dial tcp: lookup billing.example.test: Try again',
      }),
    ).toBe('dns-resolution-failure');
  });

  it("busybox's bad address is a failed lookup", () => {
    expect(top({ 'k8s.pod-logs': "nc: bad address 'cache.shop.svc.cluster.local'" })).toBe(
      'dns-resolution-failure',
    );
  });

  it('musl\'s "Try again" and glibc\'s EAI_NODATA are failed lookups; a generic try-again is not', () => {
    expect(top({ 'k8s.pod-logs': 'socket.gaierror: [Errno -3] Try again' })).toBe(
      'dns-resolution-failure',
    );
    expect(top({ 'k8s.pod-logs': 'java.net.UnknownHostException: cache: Try again' })).toBe(
      'dns-resolution-failure',
    );
    expect(
      top({ 'k8s.pod-logs': 'socket.gaierror: [Errno -5] No address associated with hostname' }),
    ).toBe('dns-resolution-failure');
    expect(
      top({ 'k8s.pod-logs': 'write /data/out: resource temporarily unavailable: try again later' }),
    ).toBeNull();
  });

  it(".NET's EAI_AGAIN (SocketException 11) is a failed lookup", () => {
    expect(
      top({
        'k8s.pod-logs':
          'System.Net.Http.HttpRequestException: Resource temporarily unavailable (billing:8080)\n ---> System.Net.Sockets.SocketException (11): Resource temporarily unavailable',
      }),
    ).toBe('dns-resolution-failure');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("a failed lookup of a registry's own name in the runtime's output is registry DNS; cut before the answer, or an app's lookup, it is not", () => {
    expect(
      top({
        'k8s.events':
          'dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: read udp 127.0.0.1:41970->127.0.0.11:53: i/o timeout',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top(
        {
          'docker.cli':
            'dial tcp: lookup 123456789012.dkr.ecr.eu-west-1.amazonaws.com: no such host',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
    // The line cut before the resolver's answer proves nothing (a proxy-less daemon fails the same way).
    expect(
      top(
        { 'docker.cli': 'dial tcp: lookup registry-1.docker.io on 127.0.1.1:53: no such' },
        'docker',
      ),
    ).toBeNull();
    // An application in a pod resolving a registry's name is the pod's DNS, not an image pull.
    expect(
      top({
        'k8s.pod-logs':
          'dial tcp: lookup quay.io on 10.100.0.10:53: read udp 10.0.1.5:40000->10.100.0.10:53: i/o timeout',
      }),
    ).not.toBe('registry-dns-failure');
    // Another host's name in the same wording stays out of registry DNS.
    expect(
      top({
        'k8s.events': 'dial tcp: lookup api.example.com on 127.0.0.11:53: no such host',
      }),
    ).not.toBe('registry-dns-failure');
  });

  it("the API server failing to look up a kubelet's hostname (port 10250) is no pod's DNS; a pod's lookup failing is", () => {
    expect(
      top({
        'k8s.pod-logs':
          'Error from server: Get https://node-7:10250/containerLogs/kube-system/coredns-6ccd496668-4zp4k/coredns: dial tcp: lookup node-7 on 10.0.0.2:53: no such host',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://billing.shop.svc:8443/api": dial tcp: lookup billing.shop.svc on 10.100.0.10:53: read udp 10.0.1.7:41234->10.100.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
  });

  it("Go's old resolver wording (`no answer from server`) on a pull is the registry's name not resolving", () => {
    expect(
      top(
        {
          'docker.cli':
            'FATA[0270] Get https://index.docker.io/v1/repositories/library/nginx/images: dial tcp: lookup index.docker.io on 10.0.2.71:53: no answer from server',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
  });

  it("the cluster DNS server's own account refused what it serves from, or CoreDNS waiting on the API again and again, is cluster DNS failing", () => {
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:37.616396       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.21.1/tools/cache/reflector.go:167: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope',
      }),
    ).toBe('dns-resolution-failure');
    // Another controller refused is its own RBAC, not DNS.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:37.616396       1 reflector.go:138] Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:monitoring:exporter" cannot list resource "endpointslices"',
      }),
    ).toBeNull();
    const waiting = '[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server';
    // CoreDNS logs the wait every 500 ms and starts unsynced after 5 s.
    expect(
      top({
        'k8s.pod-logs': `${Array(9).fill(waiting).join('\n')}\n[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API`,
      }),
    ).toBe('dns-resolution-failure');
    expect(top({ 'k8s.pod-logs': Array(10).fill(waiting).join('\n') })).toBe(
      'dns-resolution-failure',
    );
    // A slow but normal start waits a few ticks, in each replica.
    expect(top({ 'k8s.pod-logs': Array(4).fill(waiting).join('\n') })).toBeNull();
  });

  it('nslookup failing in a container run by `docker run` on a Docker host is no cluster DNS (CoreDNS) failing', () => {
    const inContainer =
      "Status: Downloaded newer image for busybox:latest\nServer:    10.0.2.3\nAddress 1: 10.0.2.3\n\nnslookup: can't resolve 'example.test'";
    expect(top({ 'docker.cli': inContainer }, 'docker')).not.toBe('dns-resolution-failure');
    expect(top({ 'net.dns': "nslookup: can't resolve 'orders.shop.svc.cluster.local'" })).toBe(
      'dns-resolution-failure',
    );
  });

  it("the API server failing to resolve a node's host name when it dials the kubelet (kubectl logs) is not the pods' DNS; a Service lookup failing beside it still is", () => {
    const kubeletDial =
      'Error from server: Get "https://node-a:10250/containerLogs/default/web-0/web": dial tcp: lookup node-a: Try again';
    expect(top({ 'k8s.pod-logs': kubeletDial })).toBeNull();
    expect(
      top({
        'k8s.pod-logs': `${kubeletDial}\n2026-11-22T23:58:01Z error dial tcp: lookup api.shop.svc.cluster.local on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
      }),
    ).toBe('dns-resolution-failure');
    // Any other name failing beside it, on the cluster resolver: the pods' DNS may be down.
    expect(
      top({
        'k8s.pod-logs': `${kubeletDial}\n2026-11-22T23:58:01Z error dial tcp: lookup api.payments.example.com on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
      }),
    ).toBe('dns-resolution-failure');
    // Older kubectl printed the URL without quotes.
    expect(
      top({
        'k8s.pod-logs':
          'Error from server: Get https://node-a:10250/containerLogs/default/web-0/web: dial tcp: lookup node-a: Try again',
      }),
    ).toBeNull();
  });

  it("a kubelet whose clusterDNS is not the cluster DNS Service's address gives every pod a resolver that answers nothing, once lookups fail; one that is, or a node-local cache, is healthy", () => {
    const node = (clusterDns: string) => ({
      'kubelet.config': `{\n  "clusterDomain": "cluster.local",\n  "clusterDNS": ["${clusterDns}"],\n  "maxPods": 29\n}`,
      'k8s.cluster':
        '$ kubectl -n kube-system get service kube-dns\nNAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE\nkube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d',
    });
    const failing = {
      'k8s.pod-logs':
        'dial tcp: lookup api.shop.svc.cluster.local on 10.100.0.1:53: read udp 10.0.3.4:41000->10.100.0.1:53: i/o timeout',
    };
    expect(top({ ...node('10.100.0.1'), ...failing })).toBe('dns-resolution-failure');
    // A resolver that differs with nothing failing (a cache on a ULA, a pod's own) is no finding.
    expect(top(node('10.100.0.1'))).toBeNull();
    expect(top(node('169.254.20.10'))).toBeNull();
  });

  it("the host's own resolver failing for the registry in net.dns (the collector's probe host) is registry DNS, on either platform; for another name it is not", () => {
    const probe = (host: string) => ({
      'net.dns': `;; Got SERVFAIL reply from 192.168.49.1\nServer:\t\t192.168.49.1\nAddress:\t192.168.49.1#53\n\n** server can't find ${host}: SERVFAIL`,
    });
    expect(top(probe('registry-1.docker.io'), 'eks')).toBe('registry-dns-failure');
    expect(top(probe('123456789012.dkr.ecr.eu-west-1.amazonaws.com'), 'docker')).toBe(
      'registry-dns-failure',
    );
    expect(top(probe('api.shop.svc.cluster.local'), 'eks')).not.toBe('registry-dns-failure');
  });
});

// Held-out round 103: busybox 1.29+'s nslookup, told by how it prints its server.
describe("round 103: busybox 1.29+'s nslookup asks a bare name as written", () => {
  it('its NXDOMAIN for a bare cluster name proves no DNS failure; a timeout beside it, or a SERVFAIL, still does', () => {
    const busybox = (name: string) =>
      `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find ${name}: NXDOMAIN\n`;
    expect(top({ 'net.dns': busybox('kubernetes.default') })).toBeNull();
    expect(
      top({
        'net.dns': `${busybox('kubernetes.default')};; connection timed out; no servers could be reached`,
      }),
    ).toBe('dns-resolution-failure');
    // The server failing to answer is DNS failing, whichever tool asked.
    expect(top({ 'net.dns': busybox('kubernetes.default').replace('NXDOMAIN', 'SERVFAIL') })).toBe(
      'dns-resolution-failure',
    );
    // bind's nslookup writes the server's port after `#`, and applies the search list.
    expect(
      top({
        'net.dns':
          "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find kubernetes.default: NXDOMAIN\n",
      }),
    ).toBe('dns-resolution-failure');
  });

  it("any client dialling a kubelet by its node's name (a dashboard's log view, metrics-server's scrape) is no pod's DNS failing", () => {
    // Lens prints the API server's answer under its own heading; metrics-server scrapes every kubelet.
    expect(
      top({
        'k8s.pod-logs':
          'Failed to load logs: Get "https://sys0017:10250/containerLogs/mongodb/db-1/mongodb?tailLines=500": dial tcp: lookup sys0017: Temporary failure in name resolution',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:10.000000       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://ip-10-0-1-23.ec2.internal:10250/metrics/resource\\": dial tcp: lookup ip-10-0-1-23.ec2.internal on 10.100.0.10:53: no such host" node="ip-10-0-1-23.ec2.internal"',
      }),
    ).toBeNull();
    // The same host name dialled by a workload on its own port is a pod's lookup.
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://sys0017:8443/api": dial tcp: lookup sys0017 on 10.100.0.10:53: read udp 10.0.1.7:41234->10.100.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
  });

  it('a server that cannot resolve its own listen address, or localhost, has a broken /etc/hosts, not a broken cluster DNS', () => {
    expect(
      top({ 'k8s.pod-logs': 'listen tcp: lookup localhost on 127.0.0.1:53: no such host' }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'error: listen tcp4: lookup etcd-0.internal on 10.100.0.10:53: no such host',
      }),
    ).toBeNull();
    expect(
      top({ 'k8s.pod-logs': 'dial tcp: lookup localhost: Temporary failure in name resolution' }),
    ).toBeNull();
    // A dial to another name on the same resolver is a lookup that failed.
    expect(
      top({
        'k8s.pod-logs': 'dial tcp: lookup etcd-0.internal on 10.100.0.10:53: server misbehaving',
      }),
    ).toBe('dns-resolution-failure');
  });

  it('an mDNS name (`<host>.local`) a unicast resolver answers "no such host" is by design; a resolver timing out on it is not', () => {
    expect(
      top(
        { 'docker.logs': 'dial tcp: lookup server.local on 127.0.0.11:53: no such host' },
        'docker',
      ),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'dial tcp: lookup printer.local on 10.100.0.10:53: read udp 10.0.1.7:41234->10.100.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
  });

  it("a kubelet's name, a listen address or localhost on which the cluster DNS server times out is CoreDNS down, not the host's files", () => {
    // metrics-server asks the cluster DNS for the node's name: a timeout there is the DNS server.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:10.000000       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://ip-10-0-1-23.ec2.internal:10250/metrics/resource\\": dial tcp: lookup ip-10-0-1-23.ec2.internal on 172.20.0.10:53: read udp 10.0.1.7:41234->172.20.0.10:53: i/o timeout"',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'listen tcp: lookup etcd-0.etcd-headless.default.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.5:52100->10.96.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'dial tcp: lookup localhost on 10.96.0.10:53: read udp 10.244.1.5:52100->10.96.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'dial tcp: lookup localhost-db.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.5:52100->10.96.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
  });
});

// Held-out round 120: a client pointed at a Service name that does not exist.
describe('round 120: an HTTP client of a Service the chart never created', () => {
  const push = (host: string, answer: string) =>
    `level=warn ts=2026-11-22T23:57:10.266631785Z caller=client.go:349 component=client host=${host} msg="error sending batch, will retry" status=-1 error="Post \\"http://${host}/loki/api/v1/push\\": dial tcp: lookup ${host} on 10.100.0.10:53: ${answer}"`;

  it('a push API path is no registry: its lookup is never registry-dns-failure', () => {
    expect(top({ 'k8s.pod-logs': push('loki-gateway', 'no such host') })).not.toBe(
      'registry-dns-failure',
    );
    // `docker push` still is.
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 10.0.0.2:53: no such host\nThe push refers to repository [registry.example.invalid/app]',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
  });

  it('cluster DNS answering NXDOMAIN for a bare Service name (after the search list) is the name that is wrong; a timeout on it, or NXDOMAIN for `kubernetes`, is DNS failing', () => {
    expect(top({ 'k8s.pod-logs': push('loki-gateway', 'no such host') })).toBeNull();
    expect(
      top({
        'k8s.pod-logs': push(
          'loki-gateway',
          'read udp 10.0.1.5:41234->10.100.0.10:53: i/o timeout',
        ),
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://kubernetes/api": dial tcp: lookup kubernetes on 10.100.0.10:53: no such host',
      }),
    ).toBe('dns-resolution-failure');
  });
});
