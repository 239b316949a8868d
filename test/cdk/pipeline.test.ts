import { beforeAll, describe, expect, it } from 'vitest';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { ConfigError, parseConfig } from '../../cdk/config.js';
import { renderWorkflowAsl } from '../../cdk/workflow/render-workflow-asl.js';
import {
  ACTION_DOCUMENTS,
  COLLECTOR_DOCUMENTS,
} from '../../lambdas/core/collection/collector-documents.js';
import { documentContent } from '../../cdk/constructs/command-documents.js';

const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  paramedic: {
    alarmNamePrefixes: ['prod-', 'paramedic-'],
    eksClusters: ['prod'],
    dryRun: false,
    automaticRemediation: true,
  },
};

let built: ParamedicApp;
let pipeline: Template;
let state: Template;

beforeAll(() => {
  built = createApp({ context: CONTEXT });
  built.app.synth(); // throws on any unacknowledged cdk-nag finding
  pipeline = Template.fromStack(built.pipeline);
  state = Template.fromStack(built.state);
});

/** Statements of the inline policy attached to the role whose logical id starts with `prefix`. */
function statementsOfRole(prefix: string): any[] {
  const policies = pipeline.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref?.startsWith(prefix)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function sendCommandResources(prefix: string): string {
  return JSON.stringify(
    statementsOfRole(prefix)
      .filter((s) => [s.Action].flat().includes('ssm:SendCommand'))
      .map((s) => s.Resource),
  );
}

describe('CDK app', () => {
  it('synthesizes with cdk-nag AwsSolutions clean (acknowledgements in one place)', () => {
    expect(pipeline.toJSON().Resources).toBeDefined();
  });

  it('filters alarms in the EventBridge pattern (ALARM state, name prefixes) and has a dead-letter queue', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          state: { value: ['ALARM'], actionsSuppressedBy: [{ exists: false }] },
          alarmName: [{ prefix: 'prod-' }, { prefix: 'paramedic-' }],
        },
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
  });

  it('creates one SSM document per collector and per host action, typed with allowedPattern', () => {
    const docs = pipeline.findResources('AWS::SSM::Document');
    const names = Object.values(docs)
      .map((d: any) => d.Properties.Name)
      .sort();
    expect(names).toEqual(
      [...COLLECTOR_DOCUMENTS, ...ACTION_DOCUMENTS].map((d) => d.documentName).sort(),
    );
    const content = new Capture();
    pipeline.hasResourceProperties('AWS::SSM::Document', {
      Name: 'Paramedic-CollectDockerHost',
      Content: content,
    });
    const c = content.asObject() as any;
    expect(c.parameters.container.allowedPattern).toMatch(/^\^/);
    expect(c.mainSteps[0].inputs.runCommand[0]).toBe(
      "export PARAMEDIC_CONTAINER='{{ container }}'",
    );
  });

  it('gives an action document the timeout its catalogue entry derives, and its script the time limit inside it', () => {
    const doc = ACTION_DOCUMENTS.find((d) => d.documentName === 'Paramedic-NodeRestartRuntime')!;
    const content = new Capture();
    pipeline.hasResourceProperties('AWS::SSM::Document', {
      Name: doc.documentName,
      Content: content,
    });
    const inputs = (content.asObject() as any).mainSteps[0].inputs;
    expect(inputs.timeoutSeconds).toBe(String(doc.timeoutSeconds));
    expect(inputs.runCommand).toContain(
      `export PARAMEDIC_TIME_LIMIT_SECONDS='${doc.timeLimitSeconds}'`,
    );
    expect(doc.timeLimitSeconds).toBe(420);
  });

  it('refuses a parameter pattern that would let a value break out of its quotes', () => {
    const doc = {
      ...COLLECTOR_DOCUMENTS[0]!,
      parameters: {
        bad: {
          type: 'String' as const,
          allowedPattern: '^.*$',
          default: '',
          description: 'x',
          env: 'PARAMEDIC_BAD',
        },
      },
    };
    expect(() => documentContent(doc, 'echo hi')).toThrow(/accepts a single quote/);
  });

  it('least privilege: collection cannot run remediation documents, remediation cannot run collectors', () => {
    const collect = sendCommandResources('CollectRole');
    const remediate = sendCommandResources('RemediateStepRole');
    expect(collect).toContain('document/Paramedic-CollectDockerHost');
    for (const d of ACTION_DOCUMENTS) expect(collect).not.toContain(`document/${d.documentName}"`);
    expect(remediate).toContain('document/Paramedic-DockerStartService');
    expect(remediate).not.toContain('Paramedic-Collect');
    expect(sendCommandResources('ClassifyRole')).toBe('[]');
  });

  it('derives remediation IAM from the catalogue (EKS scoped to configured clusters, terminate by tag)', () => {
    const statements = statementsOfRole('RemediateStepRole');
    const describe = statements.find((s) => [s.Action].flat().includes('eks:DescribeCluster'));
    expect(JSON.stringify(describe.Resource)).toContain('cluster/prod');
    const terminate = statements.find((s) =>
      [s.Action].flat().includes('autoscaling:TerminateInstanceInAutoScalingGroup'),
    );
    expect(terminate.Condition).toEqual({
      StringEquals: { 'autoscaling:ResourceTag/eks:cluster-name': ['prod'] },
    });
    expect(JSON.stringify(statementsOfRole('CollectRole'))).not.toContain('autoscaling:Terminate');
  });

  it('the audit trail is append-only for the functions (no DeleteItem; UpdateItem only on the append count)', () => {
    const all = JSON.stringify(statementsOfRole('CompleteRole'));
    expect(all).toContain('dynamodb:PutItem');
    const auditStatements = statementsOfRole('CompleteRole').filter((s) =>
      JSON.stringify(s.Resource).includes('AuditTrail'),
    );
    expect(JSON.stringify(auditStatements)).not.toMatch(/DeleteItem|BatchWriteItem/);
    const updates = auditStatements.filter((s) => JSON.stringify(s.Action).includes('UpdateItem'));
    expect(updates).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['appends'] } },
      }),
    ]);
  });

  it('functions are ARM64, Node 22, traced, with their own log group', () => {
    const fns = Object.values(pipeline.findResources('AWS::Lambda::Function'));
    // 14 Tasks (Collect and Verify each with their send half), Approve, CommandCompleted, ExecutionInterrupted.
    expect(fns.length).toBe(17);
    for (const f of fns as any[]) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
  });

  it('deploys a Standard workflow whose definition is the locally rendered ASL', () => {
    pipeline.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      // Every event, without the execution data that carries the task tokens.
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    const sm: any = Object.values(pipeline.findResources('AWS::StepFunctions::StateMachine'))[0];
    const text = JSON.stringify(sm.Properties.DefinitionString);
    const local = renderWorkflowAsl() as any;
    for (const name of Object.keys(local.States)) expect(text).toContain(`\\"${name}\\":{`);
    expect(text).toContain('lambda:invoke.waitForTaskToken');
    expect(text).not.toContain('JSONata');
  });

  it('keeps state in the stateful stack: KMS, versioned evidence bucket, audit GSIs, PITR, retained', () => {
    state.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    state.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({ IndexName: 'by-execution' }),
          Match.objectLike({ IndexName: 'by-target' }),
          Match.objectLike({ IndexName: 'by-runbook' }),
          Match.objectLike({ IndexName: 'by-outcome' }),
          Match.objectLike({ IndexName: 'by-time' }),
        ]),
      }),
    });
    state.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    state.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }),
    });
    expect(Object.keys(pipeline.findResources('AWS::DynamoDB::Table'))).toHaveLength(0);
  });
});

describe('config validation', () => {
  it('fills safe defaults (dry run, no automatic remediation)', () => {
    expect(parseConfig(undefined)).toMatchObject({
      dryRun: true,
      automaticRemediation: false,
      alarmNamePrefixes: ['paramedic-'],
    });
  });

  it.each([
    [{ alarmNamePrefixes: [] }, /alarmNamePrefixes: give at least one prefix/],
    [{ retentionDays: 10 }, /retentionDays: one of 1, 3, 5/],
    [{ dryrun: true }, /unknown field\(s\) dryrun/],
    [
      { approvalEmail: 'a@b.test', approvalTopicArn: 'arn:aws:sns:us-east-1:123456789012:t' },
      /not both/,
    ],
    ['{not json', /not valid JSON/],
  ])('rejects %j with a clear error', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });

  it('fails the synth with the config error', () => {
    expect(() =>
      createApp(
        { context: { 'aws:cdk:bundling-stacks': [], paramedic: { eksClusters: ['bad name!'] } } },
        { nag: false },
      ),
    ).toThrow(/eksClusters\.0: an EKS cluster name/);
  });
});
