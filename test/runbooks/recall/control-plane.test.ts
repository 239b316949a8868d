// control-plane-unavailable: the API server, etcd, and kubectl's view of them (status text,
// certificates, readiness). Together because each test separates the control plane's own
// failure from a workload, a proxy or a client that merely talks to it.
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { matchedIds, rulebook, top } from './support.js';

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it('a refused request to a Kubernetes API group path is the control plane, a registry path is egress', () => {
    const apiGroupRefused = {
      'kubelet.journal':
        'E1122 23:58:02.123456 3021 reflector.go:147] Failed to watch *v1.CSIDriver: Get "https://10.100.0.1:443/apis/storage.k8s.io/v1/csidrivers?limit=500": dial tcp 10.100.0.1:443: connect: connection refused',
    };
    const matched = matchedIds(apiGroupRefused);
    expect(matched).not.toContain('egress-proxy-misconfigured');
    expect(top(apiGroupRefused)).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.events':
          'Failed to pull image "quay.io/acme/api:1": failed to do request: Head "https://quay.io/v2/acme/api/manifests/1": dial tcp 44.1.2.3:443: connect: connection refused',
      }),
    ).toBe('egress-proxy-misconfigured');
  });

  it('an API server that cannot answer in the time allotted is the control plane', () => {
    expect(
      top({
        'k8s.cluster':
          'Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request (get deployments.apps)',
      }),
    ).toBe('control-plane-unavailable');
  });

  it('etcd out of space (its NOSPACE alarm) is the control plane', () => {
    expect(
      top({ 'k8s.cluster': 'Error from server: etcdserver: mvcc: database space exceeded' }),
    ).toBe('control-plane-unavailable');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("kubectl's lookup of the API endpoint answered NXDOMAIN: no API server was reached, no pod resolved anything", () => {
    expect(
      top({
        'k8s.cluster':
          'Unable to connect to the server: dial tcp: lookup api.stage.example.test on 127.0.0.53:53: no such host',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.12.34:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
  });

  it("the process that runs the API server saying at its fatal level that the API server exited is the control plane down; any other program's 'API server exited' is not", () => {
    const yamlError =
      'error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context';
    expect(
      top({
        'kubelet.journal': `Nov 22 23:51:48 node microk8s.daemon-kubelite[1085]: F1122 23:51:48.534397    1085 daemon.go:67] API Server exited open cluster.yaml node store: ${yamlError}`,
      }),
    ).toBe('control-plane-unavailable');
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:50:01 cp k3s[812]: time="2026-11-22T23:50:01Z" level=fatal msg="apiserver exited: unable to load server certificate: open /var/lib/rancher/k3s/server/tls/serving-kube-apiserver.crt: no such file or directory"',
      }),
    ).toBe('control-plane-unavailable');
    // An application's own API server stopping is its business, not the Kubernetes API's.
    expect(
      top({
        'k8s.pod-logs': `[ERROR] API server exited: listen tcp :8080: bind: address already in use`,
      }),
    ).not.toBe('control-plane-unavailable');
    expect(top({ 'k8s.pod-logs': `API Server exited with code 1\n${yamlError}` })).not.toBe(
      'control-plane-unavailable',
    );
    // A stop ends the server's context; older k3s logged that at its fatal level.
    for (const stop of ['context canceled', '<nil>'])
      expect(
        top({
          'kubelet.journal': `Nov 22 23:50:01 cp k3s[812]: time="2026-11-22T23:50:01Z" level=fatal msg="apiserver exited: ${stop}"`,
        }),
      ).toBeNull();
  });

  it('an API server that keeps saying it is not ready to handle requests, with no start after, is the control plane down; the wait at a start is not', () => {
    const notReady = (t: string) =>
      `Nov 22 23:54:${t} cp k3s[23475]: E1122 23:54:${t}.647340   23475 controller.go:156] Unable to perform initial Kubernetes service initialization: services "kubernetes" is forbidden: not yet ready to handle request`;
    expect(top({ 'kubelet.journal': [notReady('11'), notReady('21')].join('\n') })).toBe(
      'control-plane-unavailable',
    );
    // Once is the normal wait for storage at a start; followed by k3s saying it is up, it came up.
    expect(top({ 'kubelet.journal': notReady('11') })).toBeNull();
    expect(
      top({
        'kubelet.journal': [
          notReady('11'),
          notReady('21'),
          'Nov 22 23:54:30 cp k3s[23475]: time="2026-11-22T23:54:30Z" level=info msg="k3s is up and running"',
        ].join('\n'),
      }),
    ).toBeNull();
    // A kubeadm API server's start (an upgrade, a certificate renewal) waits the same way, and it and
    // the kubelet it refuses meanwhile log no line that says it came up.
    expect(
      top({
        'k8s.pod-logs': [
          '2026-11-22T23:54:01.100Z stderr F I1122 23:54:01.100000       1 secure_serving.go:213] Serving securely on [::]:6443',
          '2026-11-22T23:54:02.100Z stderr F E1122 23:54:02.100000       1 controller.go:148] "Unhandled Error" err="Unable to perform initial Kubernetes service initialization: services \\"kubernetes\\" is forbidden: not yet ready to handle request"',
          '2026-11-22T23:54:02.200Z stderr F E1122 23:54:02.200000       1 controller.go:95] unable to sync kubernetes service: services "kubernetes" is forbidden: not yet ready to handle request',
        ].join('\n'),
        'kubelet.journal': [
          'Nov 22 23:54:02 cp kubelet[901]: E1122 23:54:02.300000     901 controller.go:145] "Failed to ensure lease exists, will retry" err="leases.coordination.k8s.io \\"cp\\" is forbidden: not yet ready to handle request" interval="400ms"',
          'Nov 22 23:54:02 cp kubelet[901]: E1122 23:54:02.700000     901 event.go:368] "Server rejected event (will not retry!)" err="events is forbidden: not yet ready to handle request"',
        ].join('\n'),
      }),
    ).toBeNull();
  });

  it("kubectl refusing the server's certificate is no confident API server down (expired server certificates or the client's clock); etcd's peers refusing theirs is", () => {
    const rejected = (sections: Record<string, string>) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: Object.fromEntries(
          Object.entries(sections).map(([k, output]) => [k, { output }]),
        ),
      }).matches[0];
    const kubectl = {
      'k8s.cluster':
        'Unable to connect to the server: x509: certificate has expired or is not yet valid',
    };
    expect(rejected(kubectl)?.runbookId).toBe('control-plane-unavailable');
    expect(rejected(kubectl)!.confidence).toBeLessThan(0.6);
    const peers = {
      ...kubectl,
      'k8s.pod-logs':
        'W | rafthttp: health check for peer 6221a1d241bb2d0a could not connect: x509: certificate has expired or is not yet valid',
    };
    expect(rejected(peers)?.runbookId).toBe('control-plane-unavailable');
    expect(rejected(peers)!.confidence).toBeGreaterThanOrEqual(0.8);
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.0.10:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
  });

  it("kubectl built with Go 1.20 or later wraps the x509 rejection in 'tls: failed to verify certificate:': still no confident API server down", () => {
    const first = (output: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'k8s.cluster': { output } },
      }).matches[0];
    const expired = first(
      'Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-23T00:12:21Z is after 2026-11-22T04:29:31Z',
    );
    expect(expired?.runbookId).toBe('control-plane-unavailable');
    expect(expired!.confidence).toBeLessThan(0.6);
    // Another cluster's CA in the kubeconfig: the server answered, nothing says it is down.
    expect(
      first(
        'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority',
      )?.runbookId ?? null,
    ).toBeNull();
  });

  it("etcd 3.5's structured prober line for a peer whose certificate expired is etcd's certificates expired", () => {
    const first = (output: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'k8s.pod-logs': { output } },
      }).matches[0];
    const peers = first(
      '{"level":"warn","ts":"2026-11-22T23:55:26.342Z","caller":"rafthttp/probing_status.go:68","msg":"prober detected unhealthy status","round-tripper-name":"ROUND_TRIPPER_RAFT_MESSAGE","remote-peer-id":"18176d0976f2223e","rtt":"15.701311ms","error":"tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-22T23:55:26Z is after 2026-11-22T00:18:47Z"}',
    );
    expect(peers?.runbookId).toBe('control-plane-unavailable');
    expect(peers!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('etcd taking seconds to serve a request while the controllers lose their leases is the control plane down; a slow request alone is a warning', () => {
    const etcd =
      '{"level":"warn","ts":"2026-11-22T23:58:20.943Z","caller":"v3rpc/interceptor.go:197","msg":"request stats","start time":"2026-11-22T23:58:18.918Z","time spent":"2.024605217s","remote":"127.0.0.1:58682"}';
    const leaseLost =
      'E1122 23:58:19.396976       1 leaderelection.go:330] error retrieving resource lock kube-system/kube-controller-manager: Get "https://127.0.0.1:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s": context deadline exceeded';
    expect(top({ 'k8s.pod-logs': `${etcd}\n${leaseLost}` })).toBe('control-plane-unavailable');
    expect(top({ 'k8s.pod-logs': etcd })).toBeNull();
    expect(
      top({
        'k8s.pod-logs': `{"level":"warn","ts":"2026-11-22T23:58:20.943Z","msg":"apply request took too long","took":"3.2s","expected-duration":"100ms"}\n${leaseLost}`,
      }),
    ).toBe('control-plane-unavailable');
    // Go prints a minute or more as 1m2.5s.
    expect(
      top({
        'k8s.pod-logs': `{"level":"warn","ts":"2026-11-22T23:58:20.943Z","msg":"apply request took too long","took":"1m2.5s","expected-duration":"100ms"}\n${leaseLost}`,
      }),
    ).toBe('control-plane-unavailable');
  });
});
