// Traffic to a backend: ingress-backend-misconfigured, port-not-listening, network-policy-blocked
// and probe-failure. Together because they read the same connection refusals, timeouts and
// upstream errors, and each test decides which hop of the path owns them.
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { rulebook, top } from './support.js';

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it("a workload's probe of :6443 is the workload's (aggregated API servers serve there); the API server's own probe names it", () => {
    const matched = (pod: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: {
          'k8s.events': {
            output: `LAST SEEN   TYPE      REASON      OBJECT     MESSAGE\n2m   Warning   Unhealthy   pod/${pod}   Liveness probe failed: Get "https://10.0.3.7:6443/healthz": dial tcp 10.0.3.7:6443: connect: connection refused`,
          },
        },
      }).matches.map((m) => m.runbookId);
    expect(matched('prometheus-adapter-7d9f8-x2x4q')).not.toContain('control-plane-unavailable');
    expect(matched('prometheus-adapter-7d9f8-x2x4q')[0]).toBe('probe-failure');
    expect(matched('kube-apiserver-cp-1')).toContain('control-plane-unavailable');
  });
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it("Envoy's delayed connect error 111 is nothing listening on the upstream port", () => {
    expect(
      top(
        {
          'docker.logs':
            'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
  });

  it("ingress-nginx's balancer with no live upstream is the ingress backend; plain nginx's is not", () => {
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:02 [error] 40#40: *88 no live upstreams while connecting to upstream, client: 10.0.9.1, server: app.example.test, request: "GET /api HTTP/1.1", upstream: "http://upstream_balancer/api", host: "app.example.test"',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:02 [error] 40#40: *88 no live upstreams while connecting to upstream, client: 10.0.9.1, server: app.example.test, request: "GET /api HTTP/1.1", upstream: "http://app_servers/api", host: "app.example.test"',
      }),
    ).not.toBe('ingress-backend-misconfigured');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("Envoy's no healthy upstream (503 UH, text or JSON access log) is a gateway with no backend for the route; a served request or a scanner's 404 NR is not", () => {
    for (const line of [
      '[2026-11-23T00:00:00.000Z] "GET /heartbeat HTTP/1.1" 503 UH 0 19 3 - "-" "curl/8.5.0" "4f1c" "my-app.example.test" "-"',
      '{"start_time":"2026-11-23T00:00:00.000Z","method":"GET","response_code":"503","response_flags":"UH","upstream_host":null}',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('ingress-backend-misconfigured');
    // An internet-facing gateway answers unknown hosts and paths 404 NR all day.
    expect(
      top({
        'k8s.pod-logs':
          '[2026-11-23T00:00:00.000Z] "GET /wp-login.php HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "scanner" "4f1c" "203.0.113.9" "-"',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          '[2026-11-23T00:00:00.000Z] "GET /heartbeat HTTP/1.1" 200 - 0 19 3 2 "-" "curl/8.5.0" "4f1c" "my-app.example.test" "10.0.1.7:8080"',
      }),
    ).toBeNull();
  });

  it("the ingress controller refused by a backend pod's address, again and again, is a server not listening there; one refusal (a rolling restart) or an app refused by its database is not", () => {
    const refused =
      '2026/11/23 00:00:00 [error] 1263#1263: *228689 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.4, server: shop.example.test, request: "GET / HTTP/2.0", upstream: "http://10.56.2.20:8080/", host: "shop.example.test"';
    expect(top({ 'k8s.pod-logs': `${refused}\n${refused}` })).toBe('port-not-listening');
    expect(top({ 'k8s.pod-logs': refused })).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'psycopg2.OperationalError: connection to server at "db.shop.svc.cluster.local" (10.43.239.89), port 5432 failed: Connection refused',
      }),
    ).not.toBe('port-not-listening');
  });

  it("an ingress controller that finds no port of the Service by the Ingress's port name is a backend misconfiguration", () => {
    expect(
      top({
        'k8s.pod-logs':
          "type: 'Warning' reason: 'ERROR' error instantiating load balancer: no port is mapped for service shop-api and port name 3001",
      }),
    ).toBe('ingress-backend-misconfigured');
    // Traefik's Kubernetes providers, when the Service's port (by name or number) is not in its Endpoints.
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:55:25Z" level=error msg="cannot define a port for shop/api" ingress=api namespace=shop providerName=kubernetes',
      }),
    ).toBe('ingress-backend-misconfigured');
  });

  it("a C client's musl resolver message (`<host>:<port>: Try again`) beside an egress policy that admits no DNS is the policy", () => {
    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: cache\nspec:\n  podSelector:\n    matchLabels:\n      app: cache\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector: {}';
    const lookup = 'Could not connect to Redis at cache-sentinel:26379: Try again';
    expect(top({ 'k8s.pod-logs': lookup, 'k8s.networkpolicies': policy })).toBe(
      'network-policy-blocked',
    );
    // Without a policy the same line is the cluster's DNS failing; a refusal is no lookup at all.
    expect(top({ 'k8s.pod-logs': lookup })).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs': 'Could not connect to Redis at cache-sentinel:26379: Connection refused',
        'k8s.networkpolicies': policy,
      }),
    ).not.toBe('network-policy-blocked');
  });

  it('a refusal on the IPv6 loopback alone (localhost resolved to [::1], no fallback) is no port left unbound; a refusal on an IPv4 address still is', () => {
    const busybox = (address: string) => ({
      'docker.cli': `wget: can't connect to remote host: Connection refused\nConnecting to localhost:80 (${address})\nwget: can't connect to remote host: Connection refused`,
    });
    expect(top(busybox('[::1]:80'), 'docker')).toBeNull();
    const goDial = (address: string) => ({
      'docker.logs': `Get "http://localhost:3000/healthz": dial tcp ${address}: connect: connection refused`,
    });
    // Go falls back to 127.0.0.1 and reports only the first family's error: down on both, maybe.
    expect(top(goDial('[::1]:3000'), 'docker')).toBe('port-not-listening');
    expect(top(goDial('127.0.0.1:3000'), 'docker')).toBe('port-not-listening');
    expect(top(busybox('127.0.0.1:80'), 'docker')).toBe('port-not-listening');
    expect(
      top(
        {
          'docker.logs': `${goDial('[::1]:3000')['docker.logs']}\n${goDial('127.0.0.1:3000')['docker.logs']}`,
        },
        'docker',
      ),
    ).toBe('port-not-listening');
  });

  it("nginx refused on an upstream's IPv4 address is no IPv6-only refusal, whatever else refused on [::1]", () => {
    const refused = (n: number) =>
      `2026/11/22 23:5${n}:01 [error] 31#31: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.1.5, server: _, request: "GET / HTTP/1.1", upstream: "http://10.1.2.3:8080/", host: "shop.example.test"`;
    expect(
      top({
        'k8s.pod-logs': `${refused(1)}\n${refused(2)}\nConnecting to localhost:9229 ([::1]:9229)`,
      }),
    ).toBe('port-not-listening');
  });

  it("a policy agent's DENY of some other pod's flow does not undo the evaluation that allowed this one's; a reply it dropped does", () => {
    const sections = (flow: string) => ({
      'k8s.networkpolicies':
        'Name:         default-deny-egress\nNamespace:    shop\nSpec:\n  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Policy Types: Egress\nALLOWED shop/web -> shop/api 8080/TCP: allowed by allow-api',
      'k8s.events':
        'Warning  Unhealthy  2m  kubelet  Readiness probe failed: Get "http://10.0.3.4:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      'cni.policy-verdicts': `{"level":"info","ts":"2026-11-22T23:58:14.448Z","msg":"Flow Info: ${flow} Proto TCP Verdict DENY Direction ingress"}`,
    });
    expect(
      top(sections('Src IP: 10.0.77.12 Src Port: 51000 Dest IP: 10.0.9.70 Dest Port: 22')),
    ).toBe('probe-failure');
    expect(
      top(sections('Src IP: 10.0.3.4 Src Port: 8080 Dest IP: 10.0.5.6 Dest Port: 41000')),
    ).toBe('network-policy-blocked');
  });

  it("an ingress controller naming the backend Service it cannot find without quotes (haproxy-ingress, Contour) or the Service port it lacks (the ALB controller's wording) is the backend misconfigured", () => {
    expect(
      top({
        'k8s.pod-logs':
          'W1122 23:58:01.698621       9 controller.go:790] error obtaining service endpoints: error getting service shop/web from the cache: service shop/web was not found',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.services':
          "status:\n  currentStatus: invalid\n  description: 'tcpforward: service default/kuard: not found'",
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          'kubebuilder/controller "msg"="Reconciler error" "error"="failed to reconcile targetGroups due to failed to reconcile targetGroup targets due to Unable to find 5003 port on service nexus"',
      }),
    ).toBe('ingress-backend-misconfigured');
    // The controller's own publish Service missing is its setup, not a rule's backend.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:01.000000       7 status.go:290] error getting publish service: service ingress-nginx/ingress-nginx-controller was not found',
      }),
    ).toBeNull();
  });

  it('a server that cannot create its IPv6 listening socket (IPv6 disabled in the kernel) listens on nothing; a validator that says the configuration holds invalid values is a configuration error', () => {
    expect(
      top(
        {
          'docker.logs':
            'nginx: [emerg] socket() [::]:8080 failed (97: Address family not supported by protocol)',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:01 listen tcp [::]:8080: socket: address family not supported by protocol',
      }),
    ).toBe('port-not-listening');
    expect(
      top(
        {
          'docker.logs':
            '[ALERT] 098/102718 (1) : Starting frontend dockerfrontend: cannot create listening socket [:::2375]',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    // The errno alone counts only beside a configuration that listens on [::].
    const errno = { 'docker.logs': '97: Address family not supported by protocol' };
    expect(top(errno, 'docker')).toBeNull();
    expect(
      top(
        {
          ...errno,
          'container.nginx-config': 'listen 80 default_server;\nlisten [::]:80 default_server;',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    const validator = (line: string) =>
      top({
        'k8s.pods':
          'NAME               READY   STATUS             RESTARTS     AGE\nshop-courier-0     0/1     CrashLoopBackOff   1 (9s ago)   10s',
        'k8s.pod-logs': line,
      });
    expect(validator('The configuration contains values or keys which are invalid:')).toBe(
      'crashloop-config-error',
    );
    expect(validator('The configuration contains no invalid values; starting')).not.toBe(
      'crashloop-config-error',
    );
    expect(validator('Configuration contains 0 invalid entries')).not.toBe(
      'crashloop-config-error',
    );
    expect(
      validator('checking whether configuration contains invalid keys (strict mode off)'),
    ).not.toBe('crashloop-config-error');
  });

  it("Traefik's missing-Service wordings are the ingress backend", () => {
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:01Z" level=error msg="Cannot create service: service not found" providerName=kubernetes ingress=vault serviceName=ws namespace=vault',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:01Z" level=error msg="kubernetes service not found: shop/web" providerName=kubernetescrd ingress=web namespace=shop',
      }),
    ).toBe('ingress-backend-misconfigured');
  });
});
