import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../cdk/app.js';
import { ConfigError, parseConfig } from '../../cdk/config.js';
import {
  ClusterAccess,
  ClusterAccessError,
  VIEW_POLICY_ARN,
} from '../../cdk/constructs/cluster-access.js';
import {
  COLLECTION_GROUP,
  rbacManifest,
  REMEDIATION_GROUP,
  rulesFor,
  UnknownKubernetesResourceError,
} from '../../cdk/constructs/cluster-rbac.js';
import { REPO_ROOT } from '../../lambdas/adapters/local/runbook-directory.js';

function fixture() {
  const stack = new Stack(new App(), 'T', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const role = (id: string) =>
    new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
  return {
    stack,
    collect: role('CollectRole'),
    verify: role('VerifyRole'),
    remediate: role('RemediateRole'),
    fn,
  };
}

describe('ClusterAccess', () => {
  it('gives each collection role the view policy and the collection group, the remediation role only its RBAC group, per cluster', () => {
    const { stack, collect, verify, remediate } = fixture();
    new ClusterAccess(stack, 'Access', {
      clusters: ['shop-prod', 'batch'],
      collectionRoles: [collect, verify],
      remediationRoles: [remediate],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EKS::AccessEntry', 6);
    for (const cluster of ['shop-prod', 'batch']) {
      for (const role of ['CollectRole', 'VerifyRole']) {
        t.hasResourceProperties('AWS::EKS::AccessEntry', {
          ClusterName: cluster,
          Type: 'STANDARD',
          KubernetesGroups: [COLLECTION_GROUP],
          PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${role}`), 'Arn'] },
          AccessPolicies: [{ PolicyArn: VIEW_POLICY_ARN, AccessScope: { Type: 'cluster' } }],
        });
      }
      t.hasResourceProperties('AWS::EKS::AccessEntry', {
        ClusterName: cluster,
        KubernetesGroups: [REMEDIATION_GROUP],
        AccessPolicies: Match.absent(),
        PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediateRole'), 'Arn'] },
      });
    }
    // eks:DescribeCluster comes from each function's `cluster` port (test/cdk/port-bindings.test.ts), not from here.
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain(
      'eks:DescribeCluster',
    );
  });

  it('places the named functions in the private-endpoint network, with ENI permissions', () => {
    const { stack, collect, verify, remediate, fn } = fixture();
    const f = fn('Collect');
    new ClusterAccess(stack, 'Access', {
      clusters: ['shop-prod'],
      collectionRoles: [collect, verify],
      remediationRoles: [remediate],
      network: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
      networkFunctions: [f],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0a1b2c3d'] },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
            Resource: '*',
          }),
        ]),
      },
    });
  });

  it('rejects impossible combinations with what to change', () => {
    const { stack, collect, remediate } = fixture();
    expect(
      () =>
        new ClusterAccess(stack, 'A', {
          clusters: ['c'],
          collectionRoles: [collect],
          remediationRoles: [remediate],
          network: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
        }),
    ).toThrow(ClusterAccessError);
    expect(
      () =>
        new ClusterAccess(stack, 'B', {
          clusters: ['c'],
          collectionRoles: [collect],
          remediationRoles: [collect],
        }),
    ).toThrow(/must not also be a collection role/);
  });
});

describe('the pipeline stack with clusters configured', () => {
  it('creates access entries for Intake, Collect, Plan (node groups), Verify, RemediateStep and Escalate (rollback) and puts them in the configured network (cdk-nag clean)', () => {
    const built = createApp({
      context: {
        'aws:cdk:bundling-stacks': [],
        paramedic: {
          eksClusters: ['shop-prod'],
          eksNetwork: {
            subnetIds: ['subnet-0a1b2c3d4e5f6a7b8'],
            securityGroupIds: ['sg-0a1b2c3d4e5f6a7b8'],
          },
        },
      },
    });
    built.app.synth();
    const t = Template.fromStack(built.pipeline);
    t.resourceCountIs('AWS::EKS::AccessEntry', 6);
    for (const task of ['Intake', 'Collect', 'Plan', 'Verify', 'RemediateStep', 'Escalate']) {
      t.hasResourceProperties('AWS::EKS::AccessEntry', {
        ClusterName: 'shop-prod',
        PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${task}Role`), 'Arn'] },
      });
    }
    expect(
      Object.values(t.findResources('AWS::Lambda::Function')).filter(
        (f: any) => f.Properties.VpcConfig,
      ).length,
    ).toBe(6);
  });

  it('without clusters creates no access entry; a malformed network is a config error', () => {
    const built = createApp(
      { context: { 'aws:cdk:bundling-stacks': [], paramedic: {} } },
      { nag: false },
    );
    Template.fromStack(built.pipeline).resourceCountIs('AWS::EKS::AccessEntry', 0);
    expect(() =>
      parseConfig({ eksNetwork: { subnetIds: ['vpc-1'], securityGroupIds: ['sg-0a1b2c3d'] } }),
    ).toThrow(ConfigError);
    expect(parseConfig({ eksClusters: ['shop-prod'] }).eksNetwork).toBeUndefined();
  });
});

describe('RBAC manifest for the access-entry groups', () => {
  const file = join(REPO_ROOT, 'docs', 'eks-rbac.yaml');

  it('docs/eks-rbac.yaml is the manifest generated from the declared permissions', () => {
    if (process.env.PARAMEDIC_WRITE_RBAC === '1') writeFileSync(file, rbacManifest());
    expect(
      readFileSync(file, 'utf8'),
      'regenerate with PARAMEDIC_WRITE_RBAC=1 npx vitest run test/cdk/cluster-access.test.ts',
    ).toBe(rbacManifest());
  });

  it('grants remediation exactly cordon, eviction, pod delete and workload patch verbs, and collection only reads', () => {
    const docs = parseAllDocuments(rbacManifest()).map((d) => d.toJS());
    const rules = (name: string) =>
      docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name).rules as {
        apiGroups: string[];
        resources: string[];
        verbs: string[];
      }[];
    const flat = (name: string) =>
      rules(name)
        .flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`)))
        .sort();
    expect(flat(REMEDIATION_GROUP)).toEqual([
      'create pods/eviction',
      'delete pods',
      'get daemonsets',
      'get deployments',
      'get nodes',
      'get pods',
      'get statefulsets',
      'list nodes',
      'list pods',
      'patch daemonsets',
      'patch deployments',
      'patch nodes',
      'patch statefulsets',
    ]);
    expect(flat(COLLECTION_GROUP).every((p) => /^(get|list) /.test(p))).toBe(true);
    expect(
      docs
        .filter((d) => d.kind === 'ClusterRoleBinding')
        .map((d) => d.subjects[0].name)
        .sort(),
    ).toEqual([COLLECTION_GROUP, REMEDIATION_GROUP]);
  });

  it('refuses a permission on a resource whose API group it does not know', () => {
    expect(() => rulesFor(['patch widgets'])).toThrow(UnknownKubernetesResourceError);
  });
});
