/**
 * The catalogue declares, per action, the IAM actions and Kubernetes verbs it needs; CDK derives
 * the remediation role's IAM and the RBAC manifest from it. This test runs every kubernetes and
 * aws executor through the real EKS access path (DescribeCluster + a signed token) against the
 * local API server and recorded AWS clients, and checks that what each one called is exactly
 * what the catalogue declares: nothing missing (a denied call in production), nothing extra.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  UpdateNodegroupConfigCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kubernetesActionExecutors,
  type ActionParams,
} from '../../../lambdas/adapters/kubernetes/index.js';
import { EksKubeAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { findAction, listActions } from '../../../lambdas/core/remediation/catalog.js';
import { FakeApiServer, makeCertificates } from './fake-api-server.js';
import { rbacOf } from './rbac-of.js';
import { loadScenario } from './scenario-loader.js';

const N1 = 'ip-10-0-1-23.eu-west-1.compute.internal';
const asg = mockClient(AutoScalingClient);
const eks = mockClient(EKSClient);
let server: FakeApiServer;
let certs: ReturnType<typeof makeCertificates>;

/** `service:Action` for every AWS call recorded on the mocks. */
function iamCalls(): string[] {
  return [
    ...eks.calls().map((c) => `eks:${c.args[0].constructor.name.replace(/Command$/, '')}`),
    ...asg.calls().map((c) => `autoscaling:${c.args[0].constructor.name.replace(/Command$/, '')}`),
  ];
}

/** Runs that together take every code path of an action that needs a permission. */
const CASES: Record<string, readonly { params: ActionParams; arrange?: () => void }[]> = {
  'k8s-cordon-node': [{ params: { node: N1 } }],
  'k8s-uncordon-node': [
    {
      params: { node: N1 },
      arrange: () => {
        server.objects('nodes').find((n) => n.metadata.name === N1)!.spec.unschedulable = true;
      },
    },
  ],
  'k8s-drain-node': [{ params: { node: N1, timeoutSeconds: 60 } }],
  'k8s-delete-pod': [{ params: { namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' } }],
  'k8s-rollout-restart': [
    { params: { namespace: 'shop', kind: 'Deployment', name: 'reports' } },
    { params: { namespace: 'shop', kind: 'DaemonSet', name: 'log-shipper' } },
    { params: { namespace: 'shop', kind: 'StatefulSet', name: 'queue' } },
  ],
  'k8s-restart-coredns': [{ params: {} }],
  'node-replace': [{ params: { node: 'ip-10-0-2-45.eu-west-1.compute.internal' } }],
  'nodegroup-scale-up': [{ params: { step: 1 } }],
};

beforeAll(async () => {
  certs = makeCertificates();
  server = new FakeApiServer(certs, 'unused', loadScenario('oom-killed-pod'));
  server.acceptsToken = (t) =>
    t.startsWith('k8s-aws-v1.') &&
    Buffer.from(t.slice(11), 'base64url').toString().includes('Action=GetCallerIdentity');
  await server.start();
});
afterAll(async () => {
  await server.stop();
});

function arrangeCluster(): void {
  server.load(loadScenario('oom-killed-pod'));
  const workload = (kind: string, name: string) => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'shop', resourceVersion: '7' },
    spec: { template: { metadata: {} } },
  });
  server.objects('deployments').push(workload('Deployment', 'reports'));
  server.objects('daemonsets').push(workload('DaemonSet', 'log-shipper'));
  server.objects('statefulsets').push(workload('StatefulSet', 'queue'));
  asg.reset();
  eks.reset();
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: 'shop-prod',
      status: 'ACTIVE',
      endpoint: server.url,
      certificateAuthority: { data: Buffer.from(certs.ca).toString('base64') },
    },
  });
  eks
    .on(DescribeNodegroupCommand)
    .resolves({ nodegroup: { scalingConfig: { minSize: 2, maxSize: 5, desiredSize: 3 } } });
  eks.on(UpdateNodegroupConfigCommand).resolves({});
  asg.on(DescribeAutoScalingInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({
    AutoScalingInstances: [
      {
        InstanceId: input.InstanceIds[0],
        AutoScalingGroupName: 'eks-shop-ng-1-8ec9',
        LifecycleState: 'InService',
      },
    ],
  }));
  asg.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: 'eks-shop-ng-1-8ec9',
        Instances: ['i-0a1b2c3d4e5f60701', 'i-0a1b2c3d4e5f60702', 'i-0a1b2c3d4e5f60703'].map(
          (InstanceId) => ({ InstanceId }),
        ),
      } as never,
    ],
  });
  asg.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
}

async function run(
  actionId: string,
  params: ActionParams,
): Promise<{ iam: string[]; kubernetes: string[]; status: string }> {
  let t = Date.parse('2026-11-23T09:00:00Z');
  const eksClient = new EKSClient({ region: 'eu-west-1' });
  const kube = new EksKubeAccess({
    clusterName: 'shop-prod',
    region: 'eu-west-1',
    eks: eksClient,
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    },
  });
  const r = await kubernetesActionExecutors[actionId]!.execute(params, {
    dryRun: false,
    kube,
    clusterName: 'shop-prod',
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      t += ms;
    },
    autoScaling: new AutoScalingClient({ region: 'eu-west-1' }),
    eks: eksClient,
    target: { node: N1 },
  });
  return {
    iam: [...new Set(iamCalls())].sort(),
    kubernetes: [...new Set(server.requests.map(rbacOf))].sort(),
    status: r.status,
  };
}

describe('every kubernetes and aws action calls exactly what the catalogue declares', () => {
  const ids = listActions()
    .filter((a) => a.target === 'kubernetes' || a.target === 'aws')
    .map((a) => a.id);

  it('has an exercising case for each such action', () => {
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
  });

  it.each(ids)('%s', async (id) => {
    const iam = new Set<string>();
    const kubernetes = new Set<string>();
    for (const c of CASES[id]!) {
      arrangeCluster();
      c.arrange?.();
      const called = await run(id, c.params);
      expect(called.status, JSON.stringify(c.params)).toBe('changed');
      for (const a of called.iam) iam.add(a);
      for (const v of called.kubernetes) kubernetes.add(v);
    }
    const declared = findAction(id)!.permissions;
    expect({ id, iam: [...iam].sort(), kubernetes: [...kubernetes].sort() }).toEqual({
      id,
      iam: [...declared.iam].sort(),
      kubernetes: [...declared.kubernetes].sort(),
    });
  });
});
