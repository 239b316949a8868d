import { describe, expect, it } from 'vitest';
import { formatApiFailure } from '../../../lambdas/core/kubernetes/render/cluster-status.js';
import { renderDescribeNetworkPolicy } from '../../../lambdas/core/kubernetes/render/describe-network.js';
import { renderDescribeNode } from '../../../lambdas/core/kubernetes/render/describe-node.js';
import {
  describeProbe,
  renderDescribePod,
} from '../../../lambdas/core/kubernetes/render/describe-pod.js';
import { renderDescribeIngress } from '../../../lambdas/core/kubernetes/render/describe-service.js';
import {
  podStatusColumns,
  renderGetEvents,
  renderGetPods,
} from '../../../lambdas/core/kubernetes/render/get-tables.js';
import {
  formatQuantity,
  parseQuantity,
  sumQuantities,
} from '../../../lambdas/core/kubernetes/render/quantity.js';
import {
  DESCRIBE_TABS,
  formatTabbed,
  GET_TABS,
} from '../../../lambdas/core/kubernetes/render/tab-writer.js';
import { humanDuration, rfc1123z } from '../../../lambdas/core/kubernetes/render/time-format.js';
import type { Event, Node, Pod } from '../../../lambdas/core/kubernetes/types.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

describe('Go tabwriter port', () => {
  it('pads each column block to its widest cell plus padding; a line without the column ends the block', () => {
    expect(
      formatTabbed('Name:\tx\nNamespace:\ty\nContainers:\n  c:\n    Image:\tz\n', DESCRIBE_TABS),
    ).toBe('Name:       x\nNamespace:  y\nContainers:\n  c:\n    Image:  z\n');
  });
  it('aligns nested columns only across lines that have them', () => {
    expect(formatTabbed('a\tb\tc\naa\tbbbb\tc\nx\ty\n', GET_TABS)).toBe(
      'a     b      c\naa    bbbb   c\nx     y\n',
    );
  });
});

describe('durations, times and quantities as kubectl prints them', () => {
  it.each([
    [45, '45s'],
    [119, '119s'],
    [150, '2m30s'],
    [600, '10m'],
    [3 * 3600 + 1200, '3h20m'],
    [10 * 3600, '10h'],
    [50 * 3600, '2d2h'],
    [30 * 86400, '30d'],
    [800 * 86400, '2y70d'],
  ])('%ds -> %s', (s, text) => {
    expect(humanDuration(s * 1000)).toBe(text);
  });
  it('formats RFC1123Z and quantities', () => {
    expect(rfc1123z('2026-11-23T08:05:09Z')).toBe('Mon, 23 Nov 2026 08:05:09 +0000');
    expect(formatQuantity(sumQuantities(['100m', '250m']))).toBe('350m');
    expect(formatQuantity(sumQuantities(['128Mi', '64Mi']))).toBe('192Mi');
    expect(formatQuantity(sumQuantities(['1', '500m']))).toBe('1500m');
    expect(formatQuantity(sumQuantities(['1', '1']))).toBe('2');
    expect(parseQuantity('7220172Ki')?.value).toBe(7220172 * 1024);
  });
});

const crashPod: Pod = {
  metadata: {
    name: 'api-1',
    namespace: 'shop',
    labels: { app: 'api' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'api-7c6b', controller: true }],
    creationTimestamp: ago(1800),
  },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'default',
    priority: 0,
    containers: [
      {
        name: 'api',
        image: 'api:1',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { limits: { memory: '256Mi' } },
        livenessProbe: {
          httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
          periodSeconds: 10,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 3,
        },
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.1.23',
    podIP: '10.0.1.50',
    podIPs: [{ ip: '10.0.1.50' }],
    startTime: ago(1800),
    qosClass: 'Burstable',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'api',
        ready: false,
        restartCount: 7,
        containerID: 'containerd://abc',
        imageID: 'api@sha256:1',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
        lastState: {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: ago(200),
            finishedAt: ago(180),
          },
        },
      },
    ],
  },
};
const backoff: Event = {
  involvedObject: { kind: 'Pod', name: 'api-1', namespace: 'shop' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container api in pod api-1_shop(uid)',
  count: 24,
  firstTimestamp: ago(1700),
  lastTimestamp: ago(30),
  source: { component: 'kubelet' },
};

describe('kubectl describe pod', () => {
  const out = renderDescribePod(crashPod, [backoff], NOW);
  it('prints State / Last State / Reason / Exit Code / Restart Count aligned as kubectl does', () => {
    expect(out).toContain(
      [
        'Containers:',
        '  api:',
        '    Container ID:   containerd://abc',
        '    Image:          api:1',
        '    Image ID:       api@sha256:1',
        '    Port:           8080/TCP',
        '    Host Port:      0/TCP',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       OOMKilled',
        '      Exit Code:    137',
        `      Started:      ${rfc1123z(ago(200))}`,
        `      Finished:     ${rfc1123z(ago(180))}`,
        '    Ready:          False',
        '    Restart Count:  7',
        '    Limits:',
        // Go's tabwriter: "Limits:" ends the block, so memory aligns with Liveness/Environment/Mounts.
        '      memory:     256Mi',
        '    Liveness:     http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3',
      ].join('\n'),
    );
  });
  it('ends with the events table, count and span as "(x24 over 28m)"', () => {
    expect(out).toMatch(
      /Events:\n  Type     Reason   Age                 From     Message\n  ----     ------   ----                ----     -------\n  Warning  BackOff  30s \(x24 over 28m\)  kubelet  Back-off restarting failed container api in pod api-1_shop\(uid\)\n$/,
    );
  });
  it('describes other probe kinds', () => {
    expect(describeProbe({ exec: { command: ['cat', '/tmp/ok'] } })).toBe(
      'exec [cat /tmp/ok] delay=0s timeout=1s period=10s #success=1 #failure=3',
    );
    expect(describeProbe({ tcpSocket: { port: 5432 }, initialDelaySeconds: 5 })).toBe(
      'tcp-socket :5432 delay=5s timeout=1s period=10s #success=1 #failure=3',
    );
  });
  it('kubectl get pods shows the waiting reason and restarts with the last restart age', () => {
    expect(podStatusColumns(crashPod, NOW)).toEqual({
      ready: '0/1',
      status: 'CrashLoopBackOff',
      restarts: '7 (3m ago)',
    });
    expect(renderGetPods([crashPod], NOW)).toBe(
      'NAME    READY   STATUS             RESTARTS     AGE\napi-1   0/1     CrashLoopBackOff   7 (3m ago)   30m\n',
    );
  });
});

describe('kubectl describe node', () => {
  const node: Node = {
    metadata: {
      name: 'n1',
      labels: { 'kubernetes.io/os': 'linux' },
      creationTimestamp: '2026-11-01T00:00:00Z',
    },
    spec: {
      taints: [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
      ],
    },
    status: {
      conditions: [
        {
          type: 'DiskPressure',
          status: 'True',
          reason: 'KubeletHasDiskPressure',
          message: 'kubelet has disk pressure',
          lastHeartbeatTime: '2026-11-23T08:59:00Z',
          lastTransitionTime: '2026-11-23T08:45:00Z',
        },
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastHeartbeatTime: '2026-11-23T08:50:00Z',
          lastTransitionTime: '2026-11-23T08:51:00Z',
        },
      ],
      allocatable: { cpu: '1930m', memory: '7220172Ki' },
    },
  };
  const out = renderDescribeNode(
    node,
    [
      {
        ...crashPod,
        spec: {
          ...crashPod.spec!,
          nodeName: 'n1',
          containers: [{ name: 'api', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
        },
      },
    ],
    [],
    NOW,
  );
  it('prints taints sorted by effect then key, one per line', () => {
    expect(out).toContain(
      'Taints:             node.kubernetes.io/not-ready:NoExecute\n                    node.kubernetes.io/disk-pressure:NoSchedule\n                    node.kubernetes.io/not-ready:NoSchedule\nUnschedulable:      false\n',
    );
  });
  it("prints the Conditions table with kubectl's trailing-space cells", () => {
    expect(out).toContain(
      [
        'Conditions:',
        '  Type           Status    LastHeartbeatTime                 LastTransitionTime                Reason                   Message',
        '  ----           ------    -----------------                 ------------------                ------                   -------',
        '  DiskPressure   True      Mon, 23 Nov 2026 08:59:00 +0000   Mon, 23 Nov 2026 08:45:00 +0000   KubeletHasDiskPressure   kubelet has disk pressure',
        '  Ready          Unknown   Mon, 23 Nov 2026 08:50:00 +0000   Mon, 23 Nov 2026 08:51:00 +0000   NodeStatusUnknown        Kubelet stopped posting node status.',
      ].join('\n'),
    );
  });
  it('sums requests against allocatable', () => {
    expect(out).toMatch(
      /\n  cpu                100m \(5%\)   0 \(0%\)\n  memory             128Mi \(1%\)  0 \(0%\)\n/,
    );
    expect(out).toMatch(
      /\n  ephemeral-storage  0 \(0%\)      0 \(0%\)\nEvents:              <none>\n$/,
    );
  });
});

describe('kubectl get events', () => {
  it('prints LAST SEEN TYPE REASON OBJECT MESSAGE, oldest first', () => {
    const sched: Event = {
      involvedObject: { kind: 'Pod', name: 'big-1' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient cpu. ',
      firstTimestamp: ago(300),
      lastTimestamp: ago(300),
    };
    expect(renderGetEvents([backoff, sched], NOW)).toBe(
      'LAST SEEN   TYPE      REASON             OBJECT      MESSAGE\n' +
        '5m          Warning   FailedScheduling   pod/big-1   0/3 nodes are available: 3 Insufficient cpu.\n' +
        '30s         Warning   BackOff            pod/api-1   Back-off restarting failed container api in pod api-1_shop(uid)\n',
    );
    expect(renderGetEvents([], NOW, 'shop')).toBe('No resources found in shop namespace.\n');
  });
});

describe('kubectl describe networkpolicy / ingress', () => {
  it('prints a default-deny policy as kubectl does', () => {
    expect(
      renderDescribeNetworkPolicy({
        metadata: { name: 'deny', namespace: 'shop', creationTimestamp: '2026-11-23T08:00:00Z' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      }),
    ).toBe(
      [
        'Name:         deny',
        'Namespace:    shop',
        'Created on:   2026-11-23 08:00:00 +0000 UTC',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
        '  Allowing ingress traffic:',
        '    <none> (Selected pods are isolated for ingress connectivity)',
        '  Not affecting egress traffic',
        '  Policy Types: Ingress',
        '',
      ].join('\n'),
    );
  });
  it('shows a missing backend the way kubectl does (the Endpoints lookup fails first)', () => {
    const out = renderDescribeIngress(
      {
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          ingressClassName: 'alb',
          rules: [
            {
              http: {
                paths: [
                  { path: '/', backend: { service: { name: 'gone', port: { number: 80 } } } },
                ],
              },
            },
          ],
        },
      },
      [],
      [],
      [],
      NOW,
    );
    expect(out).toContain(
      'Rules:\n  Host        Path  Backends\n  ----        ----  --------\n  *           \n              /   gone:80 (<error: endpoints "gone" not found>)\nAnnotations:  <none>\n',
    );
  });
});

describe('kubectl error lines', () => {
  it('matches kubectl wording for refused connections and Status errors', () => {
    expect(
      formatApiFailure({ kind: 'connection', server: '10.0.0.1:443', message: 'ECONNREFUSED' }),
    ).toBe(
      'The connection to the server 10.0.0.1:443 was refused - did you specify the right host or port?',
    );
    expect(
      formatApiFailure({
        kind: 'http',
        server: 'x',
        status: 404,
        reason: 'NotFound',
        message: 'pods "a" not found',
      }),
    ).toBe('Error from server (NotFound): pods "a" not found');
    expect(
      formatApiFailure({
        kind: 'http',
        server: 'x',
        status: 500,
        reason: '',
        message: 'etcdserver: request timed out',
      }),
    ).toBe('Error from server: etcdserver: request timed out');
  });
});
