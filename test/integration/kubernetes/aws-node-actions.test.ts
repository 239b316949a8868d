import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeNodegroupCommand,
  EKSClient,
  UpdateNodegroupConfigCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  kubernetesActionExecutors,
  type ExecutionContext,
} from '../../../lambdas/adapters/kubernetes/index.js';
import { KubeconfigAccess } from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { FakeApiServer, makeCertificates } from './fake-api-server.js';
import { loadScenario, writeKubeconfig } from './scenario-loader.js';

const TOKEN = 'k8s-aws-v1.aws-actions';
const N1 = 'ip-10-0-1-23.eu-west-1.compute.internal';
const N2 = 'ip-10-0-2-45.eu-west-1.compute.internal';
const asg = mockClient(AutoScalingClient);
const eks = mockClient(EKSClient);
let dir: string;
let server: FakeApiServer;
let ctx: (dryRun?: boolean) => ExecutionContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-aws-'));
  const certs = makeCertificates();
  server = new FakeApiServer(certs, TOKEN, loadScenario('node-not-ready-unreachable'));
  await server.start();
  writeKubeconfig(join(dir, 'kc'), server.url, certs.ca, TOKEN);
  const kube = new KubeconfigAccess(join(dir, 'kc'));
  ctx = (dryRun = false) => ({
    dryRun,
    kube,
    clock: { now: () => new Date('2026-11-23T09:00:00Z') },
    autoScaling: new AutoScalingClient({ region: 'eu-west-1' }),
    eks: new EKSClient({ region: 'eu-west-1' }),
    clusterName: 'shop-prod',
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.load(loadScenario('node-not-ready-unreachable'));
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
});
afterEach(() => {
  asg.reset();
  eks.reset();
});

describe('node-replace', () => {
  it('terminates a NotReady node through its group, keeping desired capacity', async () => {
    const r = await kubernetesActionExecutors['node-replace']!.execute({ node: N2 }, ctx());
    expect(r.status).toBe('changed');
    expect(
      asg.commandCalls(TerminateInstanceInAutoScalingGroupCommand).map((c) => c.args[0].input),
    ).toEqual([{ InstanceId: 'i-0a1b2c3d4e5f60702', ShouldDecrementDesiredCapacity: false }]);
  });

  it('never terminates the last Ready node of its group', async () => {
    for (const n of server.objects('nodes'))
      if (n.metadata.name !== N1)
        n.status.conditions = n.status.conditions.map((c: { type: string }) =>
          c.type === 'Ready' ? { ...c, status: 'False' } : c,
        );
    const r = await kubernetesActionExecutors['node-replace']!.execute({ node: N1 }, ctx());
    expect(r.status).toBe('blocked');
    expect(r.report).toMatch(/last Ready node of Auto Scaling group eks-shop-ng-1-8ec9/);
    expect(asg.commandCalls(TerminateInstanceInAutoScalingGroupCommand)).toHaveLength(0);
  });

  it('dry run plans without terminating; a node already gone needs nothing', async () => {
    expect(
      (await kubernetesActionExecutors['node-replace']!.execute({ node: N1 }, ctx(true))).status,
    ).toBe('changed');
    expect(asg.commandCalls(TerminateInstanceInAutoScalingGroupCommand)).toHaveLength(0);
    expect(
      (
        await kubernetesActionExecutors['node-replace']!.execute(
          { node: 'ip-10-9-9-9.eu-west-1.compute.internal' },
          ctx(),
        )
      ).status,
    ).toBe('unchanged');
  });
});

describe('nodegroup-scale-up', () => {
  it('raises desired size by the step within the maximum, finding the group from the node label', async () => {
    eks
      .on(DescribeNodegroupCommand, { clusterName: 'shop-prod', nodegroupName: 'shop-ng-1' })
      .resolves({ nodegroup: { scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 3 } } });
    eks.on(UpdateNodegroupConfigCommand).resolves({});
    const r = await kubernetesActionExecutors['nodegroup-scale-up']!.execute(
      { step: 2 },
      { ...ctx(), target: { node: N1 } },
    );
    expect(r).toMatchObject({
      status: 'changed',
      changes: ['node group shop-ng-1: desiredSize 3 -> 4 (max 4)'],
    });
    expect(eks.commandCalls(UpdateNodegroupConfigCommand)[0]!.args[0].input.scalingConfig).toEqual({
      minSize: 2,
      maxSize: 4,
      desiredSize: 4,
    });
  });

  it('is blocked at the maximum', async () => {
    eks
      .on(DescribeNodegroupCommand)
      .resolves({ nodegroup: { scalingConfig: { minSize: 2, maxSize: 3, desiredSize: 3 } } });
    const r = await kubernetesActionExecutors['nodegroup-scale-up']!.execute(
      { step: 1, nodegroup: 'shop-ng-1' },
      ctx(),
    );
    expect(r.status).toBe('blocked');
    expect(eks.commandCalls(UpdateNodegroupConfigCommand)).toHaveLength(0);
  });
});
