import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { ConfigError, parseConfig } from '../../cdk/config.js';
import { findOnPath } from '../support/requirements.js';
import { WORKFLOW_TASK_NAMES } from '../../lambdas/core/workflow/task-names.js';
import { TASK_PORTS } from '../../lambdas/handlers/environment.js';

const SPOKES = {
  accounts: ['111111111111', '222222222222'],
  externalId: 'paramedic-test-external-id',
  eksClusters: ['shop'],
};
const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  paramedic: {
    alarmNamePrefixes: ['prod-'],
    account: '123456789012',
    region: 'eu-west-1',
    spokes: SPOKES,
  },
};

let hub: ParamedicApp;
let spoke: Template;
let pipeline: Template;
let outDir: string;

beforeAll(() => {
  hub = createApp({ context: CONTEXT });
  outDir = hub.app.synth().directory; // cdk-nag clean, or synth throws
  spoke = Template.fromStack(hub.spoke!);
  pipeline = Template.fromStack(hub.pipeline);
});

const statementsOf = (t: Template, type: string): any[] =>
  Object.values(t.findResources(type)).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

describe('hub workflow config with spokes', () => {
  it("lists the spokes' EKS clusters with the hub's, so a spoke's cluster-level alarm (ClusterName alone) resolves to its failing nodes", () => {
    const configs = Object.values(pipeline.findResources('AWS::Lambda::Function'))
      .map((f: any) => f.Properties.Environment?.Variables?.PARAMEDIC_CONFIG)
      .filter((c): c is string => typeof c === 'string')
      .map((c) => JSON.parse(c));
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) expect(c.eksClusters).toEqual(['shop']);
  });
});

describe('spoke stack', () => {
  it('exists only when spokes are configured', () => {
    expect(
      createApp({ context: { 'aws:cdk:bundling-stacks': [], paramedic: {} } }, { nag: false })
        .spoke,
    ).toBeUndefined();
    expect(hub.spoke?.stackName).toBe('ParamedicSpoke');
  });

  it('stands alone: no assets, no bootstrap version rule, parameters for what differs per organization', () => {
    const json = spoke.toJSON();
    expect(json.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(json.Parameters?.BootstrapVersion).toBeUndefined();
    expect(Object.keys(json.Parameters)).toEqual(
      expect.arrayContaining(['HubAccountId', 'HubEventBusArn', 'ExternalId']),
    );
    expect(json.Parameters.ExternalId.NoEcho).toBe(true);
    expect(json.Parameters.HubEventBusArn.Default).toBe(
      'arn:aws:events:eu-west-1:123456789012:event-bus/paramedic',
    );
    // No Lambda, no asset: a StackSet deploys the template as is.
    expect(Object.keys(spoke.findResources('AWS::Lambda::Function'))).toEqual([]);
    expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds|AssetParameters|aws:asset/);
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    const artifact = manifest.artifacts.ParamedicSpoke;
    expect(artifact.environment).toBe('aws://unknown-account/unknown-region');
    expect(readdirSync(outDir).filter((f) => f.startsWith('asset.'))).toEqual([]);
    expect(
      Object.keys(manifest.artifacts).filter((k) => k.startsWith('ParamedicSpoke.assets')),
    ).toEqual([]);
  });

  it("its role trusts only the hub's pipeline roles, with the ExternalId, under a per-region name", () => {
    spoke.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['paramedic-spoke-', { Ref: 'AWS::Region' }]] },
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: 'HubAccountId' }])]) },
            },
            Condition: {
              StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
              ArnLike: {
                'aws:PrincipalArn': {
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
                  'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role/ParamedicPipeline-*',
                },
              },
            },
          }),
        ],
      },
    });
  });

  it('the role sends only the project documents, only to tagged instances, and reads the cluster', () => {
    const s = statementsOf(spoke, 'AWS::IAM::Policy');
    const send = s.filter((x) => [x.Action].flat().includes('ssm:SendCommand'));
    const toInstances = send.find((x) => JSON.stringify(x.Resource).includes(':instance/'));
    expect(toInstances.Condition).toEqual({
      StringEquals: { 'ssm:resourceTag/paramedic:managed': 'true' },
    });
    expect(send.filter((x) => JSON.stringify(x.Resource).includes(':document/')).length).toBe(2);
    expect(s.some((x) => [x.Action].flat().includes('eks:DescribeCluster'))).toBe(true);
    expect(
      s.some((x) => [x.Action].flat().includes('autoscaling:DescribeAutoScalingInstances')),
    ).toBe(true);
    expect(
      s.some((x) => [x.Action].flat().some((a: string) => a === '*' || a.endsWith(':*'))),
    ).toBe(false);
    spoke.resourceCountIs(
      'AWS::SSM::Document',
      Object.keys(Template.fromStack(hub.pipeline).findResources('AWS::SSM::Document')).length,
    );
    spoke.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'shop',
      KubernetesGroups: ['paramedic-collection', 'paramedic-remediation'],
    });
  });

  it("the role reads alarms (DescribeAlarms, and their history to confirm a forwarded alarm) of its own account and region only: the forwarded alarm and a composite's children", () => {
    const describeAlarms = statementsOf(spoke, 'AWS::IAM::Policy').filter((x) =>
      [x.Action].flat().includes('cloudwatch:DescribeAlarms'),
    );
    expect(describeAlarms).toEqual([
      expect.objectContaining({
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      }),
    ]);
    expect(describeAlarms[0].Condition).toBeUndefined();
  });

  it('forwards alarm state changes of the configured prefixes to the hub bus through a role allowed PutEvents there', () => {
    spoke.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] }, alarmName: [{ prefix: 'prod-' }] },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: 'HubEventBusArn' },
          RoleArn: Match.anyValue(),
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    expect(statementsOf(spoke, 'AWS::IAM::Policy')).toContainEqual(
      expect.objectContaining({ Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' } }),
    );
  });
});

describe('hub side', () => {
  it('the bus admits the spoke accounts, for alarm events only', () => {
    pipeline.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Principal: {
          AWS: SPOKES.accounts.map((a) => ({
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:root`]],
          })),
        },
        Condition: { StringEquals: { 'events:source': 'aws.cloudwatch' } },
      }),
    });
  });

  it('a second alarm rule on the hub bus starts the workflow for forwarded alarms', () => {
    const rules = Object.values(pipeline.findResources('AWS::Events::Rule')).filter(
      (r: any) => r.Properties.EventPattern?.source?.[0] === 'aws.cloudwatch',
    );
    expect(rules.map((r: any) => r.Properties.EventBusName === undefined).sort()).toEqual([
      false,
      true,
    ]);
  });

  it('the functions that reach targets may assume the spoke role and know the ExternalId; the others may not', () => {
    const fns = pipeline.findResources('AWS::Lambda::Function');
    const withSpoke = Object.entries(fns)
      .filter(
        ([, f]: any) =>
          f.Properties.Environment?.Variables?.PARAMEDIC_SPOKE_EXTERNAL_ID === SPOKES.externalId,
      )
      .map(([id]) => id.replace(/[A-F0-9]{8}$/, ''));
    expect(withSpoke.sort()).toEqual([
      'Collect',
      'CollectSend',
      'Escalate',
      'Intake',
      'Plan',
      'RemediateStep',
      'Verify',
      'VerifySend',
    ]);
    expect(statementsOf(pipeline, 'AWS::IAM::Policy')).toContainEqual(
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Resource: SPOKES.accounts.map((a) => ({
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:role/paramedic-spoke-*`],
          ],
        })),
      }),
    );
  });

  it('every function that reads or acts on a cluster may assume the spoke role from its own role (spoke EKS targets are reached through it)', () => {
    const clusterTasks = WORKFLOW_TASK_NAMES.filter(
      (t) =>
        TASK_PORTS[t].cluster !== undefined ||
        TASK_PORTS[t].groups !== undefined ||
        TASK_PORTS[t].executors !== undefined,
    );
    expect([...clusterTasks].sort()).toEqual([
      'Collect',
      'Escalate',
      'Intake',
      'Plan',
      'RemediateStep',
      'Verify',
    ]);
    const fns = Object.entries(pipeline.findResources('AWS::Lambda::Function'));
    const policies = Object.values(pipeline.findResources('AWS::IAM::Policy'));
    for (const task of clusterTasks) {
      const [, fn] = fns.find(([id]) => id.replace(/[A-F0-9]{8}$/, '') === task)!;
      const role = (fn as any).Properties.Role['Fn::GetAtt'][0];
      const statements = policies
        .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      // DescribeCluster and the token of a spoke cluster are the spoke role's (its policy and access entry), not the function's.
      const assume = statements.filter((x: any) => [x.Action].flat().includes('sts:AssumeRole'));
      expect(JSON.stringify(assume), task).toContain(':role/paramedic-spoke-*');
    }
  });

  it('config rejects spokes that admit nobody, and a short ExternalId', () => {
    expect(() => parseConfig({ spokes: { externalId: 'paramedic-test-external-id' } })).toThrow(
      ConfigError,
    );
    expect(() =>
      parseConfig({ spokes: { accounts: ['111111111111'], externalId: 'short' } }),
    ).toThrow(/spokes\.externalId/);
    expect(
      parseConfig({
        spokes: { organizationId: 'o-abcdefghij', externalId: 'paramedic-test-external-id' },
      }).spokes,
    ).toMatchObject({ accounts: [], organizationId: 'o-abcdefghij' });
  });
});

describe.skipIf(!findOnPath('cfn-lint'))(
  findOnPath('cfn-lint')
    ? 'cfn-lint on the spoke template'
    : 'cfn-lint on the spoke template [skipped: cfn-lint is not installed]',
  () => {
    it('has no errors or warnings beyond the ones .cfnlintrc accepts', () => {
      const dir = mkdtempSync(join(tmpdir(), 'paramedic-spoke-'));
      const file = join(dir, 'ParamedicSpoke.template.json');
      writeFileSync(file, JSON.stringify(spoke.toJSON()));
      // `--ignore-checks` as in .cfnlintrc (W3005 is CDK's own DependsOn on Lambda roles; the spoke has no Lambda).
      const out = (() => {
        try {
          return execFileSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], {
            encoding: 'utf8',
          });
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error);
        }
      })();
      expect(out.trim()).toBe('');
    }, 120_000);
  },
);
