// A Kubernetes node and room to schedule: node-not-ready (kubelet, its certificates, its runtime
// socket, the VPC CNI) and insufficient-resources (cluster autoscaler, Karpenter). Together
// because both are about nodes: one that cannot serve, or none that can take the pod.
import { describe, expect, it } from 'vitest';
import { top } from './support.js';

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("the VPC CNI's IPAM daemon refused its EC2 calls keeps the node NotReady; another controller's refusal does not", () => {
    expect(
      top({
        'k8s.pod-logs':
          '{"level":"error","ts":"2026-11-22T23:58:00.000Z","caller":"ipamd/ipamd.go:444","msg":"Failed to call ec2:DescribeNetworkInterfaces for [eni-0123456789abcdef0]: UnauthorizedOperation: You are not authorized to perform this operation.\\n\\tstatus code: 403"}',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.pod-logs':
          'ERROR controller.provisioner creating instance, UnauthorizedOperation: You are not authorized to perform this operation. status code: 403',
      }),
    ).not.toBe('node-not-ready');
  });

  it("systemctl status showing the kubelet's last run exited with a failure keeps the node NotReady; a running kubelet does not", () => {
    expect(
      top({
        'host.services':
          '● kubelet.service - kubelet: The Kubernetes Node Agent\n   Active: activating (auto-restart) (Result: exit-code) since Sun 2026-11-22 23:58:00 UTC; 2s ago\n  Process: 1066 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS (code=exited, status=255/EXCEPTION)\n Main PID: 1066 (code=exited, status=255/EXCEPTION)',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'host.services':
          '● kubelet.service - kubelet: The Kubernetes Node Agent\n   Active: active (running) since Sun 2026-11-22 23:50:00 UTC; 8min ago\n  Process: 990 ExecStartPre=/bin/mkdir -p /var/lib/kubelet (code=exited, status=0/SUCCESS)\n Main PID: 1066 (kubelet)',
      }),
    ).toBeNull();
    // Another unit's binary exiting is not the kubelet's.
    expect(
      top({
        'host.services':
          '● kubelet-monitor.service\n  Process: 77 ExecStart=/usr/local/bin/kubelet-health-check.sh (code=exited, status=1/FAILURE)',
      }),
    ).not.toBe('node-not-ready');
  });

  it("the autoscaler's no-scale-up is a shortage only for a capacity reason; a selector or taint no node group matches is not", () => {
    expect(
      top({
        'k8s.events':
          "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 1 node(s) had untolerated taint {dedicated: worker}, 8 node(s) didn't match Pod's node affinity/selector",
      }),
    ).toBeNull();
    for (const line of [
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 2 max node group size reached, 1 node(s) didn't match Pod's node affinity/selector",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 Insufficient memory",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 1 max cluster cpu, memory limit reached",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 2 in backoff after failed scale-up",
    ])
      expect(top({ 'k8s.events': line }), line).toBe('insufficient-resources');
  });

  it("the kubelet's own client certificate expired is a node that cannot post its status; another client's expired certificate is not", () => {
    expect(
      top({
        'kubelet.journal':
          'E1122 23:53:23.994527    3081 bootstrap.go:265] part of the existing bootstrap client certificate in /etc/kubernetes/kubelet.conf is expired: 2026-11-22 04:45:09 +0000 UTC',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:53:23.994527       1 reflector.go:138] client certificate in /etc/app/tls.crt is expired',
      }),
    ).not.toBe('node-not-ready');
  });

  it("the kubelet's serving certificate expired is no node that cannot post its status; its client certificate expired is", () => {
    // With serverTLSBootstrap (EKS's AMIs set it) the kubelet's serving certificate has its own
    // manager: past its expiry logs and exec fail, the node still posts its status.
    expect(
      top({
        'kubelet.journal':
          'I1122 23:53:23.994527    3081 certificate_manager.go:356] kubernetes.io/kubelet-serving: Current certificate is expired',
      }),
    ).not.toBe('node-not-ready');
    expect(
      top({
        'kubelet.journal':
          'I1122 23:53:23.994527    3081 certificate_manager.go:356] kubernetes.io/kube-apiserver-client-kubelet: Current certificate is expired',
      }),
    ).toBe('node-not-ready');
  });

  it("the cluster autoscaler's scale-down simulation (a pod that would fit on no other node) is no pod short of resources", () => {
    const simulation =
      'I1122 23:55:30.105993       1 cluster.go:222] Evaluation ip-10-0-1-5.ec2.internal for shop/api-7b584bf689-vzbn4 -> PodFitsResources predicate mismatch, reason: Insufficient pods\nI1122 23:55:30.106106       1 cluster.go:126] Fast evaluation: node ip-10-0-1-9.ec2.internal is not suitable for removal: failed to find place for shop/api-7b584bf689-vzbn4';
    expect(top({ 'k8s.pod-logs': simulation })).toBeNull();
    expect(
      top({
        'k8s.events':
          'Warning  FailedScheduling  12s  default-scheduler  0/4 nodes are available: 4 Insufficient pods.',
      }),
    ).toBe('insufficient-resources');
  });

  it("the kubelet's transport to the runtime socket failing is the runtime down; Karpenter's spent NodePool limits are capacity", () => {
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:58:31 ip-10-1-22-8 kubelet[5207]: W1122 23:58:31.864779  5207 clientconn.go:1326] [core] grpc: addrConn.createTransport failed to connect to {/run/dockershim.sock /run/dockershim.sock <nil> 0 <nil>}. Err: connection error: desc = "transport: failed to write client preface: write unix @->/run/dockershim.sock: write: broken pipe".Reconnecting...',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.events':
          'Warning  FailedScheduling  2m  karpenter  Failed to schedule pod, all available instance types exceed limits for nodepool: "default"',
      }),
    ).toBe('insufficient-resources');
    expect(
      top({
        'k8s.events':
          'Failed to schedule pod, incompatible with nodepool "trn1", daemonset overhead={"cpu":"280m"}, no instance type satisfied resources {"cpu":"124280m","memory":"498431899Ki"} and requirements node.kubernetes.io/instance-type In [trn1.32xlarge] (no instance type has enough resources)',
      }),
    ).toBe('insufficient-resources');
    // A pod whose requirements no instance type meets is not short of capacity.
    expect(
      top({
        'k8s.events':
          'Failed to schedule pod, incompatible with nodepool "default", no instance type satisfied resources {"cpu":"1"} and requirements kubernetes.io/arch In [s390x] (no instance type met the scheduling requirements or had enough resources)',
      }),
    ).toBeNull();
    // Another client's gRPC transport failing is not the runtime.
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:58:31 ip-10-1-22-8 kubelet[5207]: W1122 23:58:31.864779  5207 clientconn.go:1326] grpc: addrConn.createTransport failed to connect to {/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock <nil> 0 <nil>}. Err: connection refused',
      }),
    ).toBeNull();
  });
});

// Held-out round 103: a node that runs Docker as its runtime, whose dockerd refuses to start.
describe('round 103: the runtime of a node that runs Docker', () => {
  it("dockerd's own start failure is the node's runtime down on EKS, the daemon down on a Docker host, and history once it started", () => {
    const failed = { 'host.services': 'Error starting daemon: layer does not exist' };
    expect(top(failed, 'eks')).toBe('node-not-ready');
    expect(top(failed, 'docker')).toBe('docker-daemon-down');
    // 17.06 and later say it in lower case.
    expect(
      top({
        'host.services':
          'failed to start daemon: error initializing graphdriver: driver not supported',
      }),
    ).toBe('node-not-ready');
    // A daemon that then came up is serving: the failure is history.
    expect(
      top({
        'docker.journal':
          'Nov 22 23:50:01 node-1 dockerd[811]: Error starting daemon: layer does not exist\nNov 22 23:55:12 node-1 dockerd[1203]: time="2026-11-22T23:55:12Z" level=info msg="API listen on /var/run/docker.sock"',
      }),
    ).toBeNull();
    // "pid file found" means a daemon is already running.
    expect(
      top({
        'host.services':
          'failed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid',
      }),
    ).not.toBe('node-not-ready');
  });
});
