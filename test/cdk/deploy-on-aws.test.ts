import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Token } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { ConfigError, parseConfig } from '../../cdk/config.js';
import { OUTPUT_NAMES } from '../../cdk/constructs/stack-outputs.js';
import {
  DocumentTooLargeError,
  ParameterDefaultError,
  SSM_DOCUMENT_MAX_BYTES,
  documentContent,
} from '../../cdk/constructs/command-documents.js';
import {
  COMMAND_RESULTS_PREFIX,
  COMMAND_RESULTS_RETENTION_DAYS,
  COMMAND_WAIT_TTL_SECONDS,
  commandResultKey,
  commandSentKey,
} from '../../lambdas/core/collection/command-wait.js';
import { EVENT_BUS_ENV } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';
import {
  ACTION_DOCUMENTS,
  COLLECTOR_DOCUMENTS,
} from '../../lambdas/core/collection/collector-documents.js';
import {
  EXECUTION_STATUS_CHANGE,
  RUNBOOK_RUN_REQUESTED,
  RUN_REQUEST_SOURCE,
} from '../../lambdas/core/events/execution-events.js';

const BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const DEFAULTS = { ...BUNDLING, paramedic: { alarmNamePrefixes: ['paramedic-'] } };
const PROD = {
  ...BUNDLING,
  paramedic: {
    alarmNamePrefixes: ['prod-'],
    deploymentName: 'prod',
    region: 'eu-west-1',
    account: '123456789012',
    instanceRoleNames: ['docker-hosts', 'eks-nodes'],
    managedInstanceTag: { key: 'team:oncall', value: 'payments' },
    reservedConcurrency: false,
    eventBusName: 'shared-ops',
    operationalAlarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
    ssmRateControl: { remediate: { maxConcurrency: '2', maxErrors: '1' } },
  },
};

let byDefault: ParamedicApp;
let prod: ParamedicApp;
let pipeline: Template;
let state: Template;
let prodPipeline: Template;
let prodState: Template;

beforeAll(() => {
  byDefault = createApp({ context: DEFAULTS });
  byDefault.app.synth(); // cdk-nag clean
  pipeline = Template.fromStack(byDefault.pipeline);
  state = Template.fromStack(byDefault.state);
  prod = createApp({ context: PROD });
  prod.app.synth();
  prodPipeline = Template.fromStack(prod.pipeline);
  prodState = Template.fromStack(prod.state);
});

const savedRegion = process.env.CDK_DEFAULT_REGION;
afterEach(() => {
  if (savedRegion === undefined) delete process.env.CDK_DEFAULT_REGION;
  else process.env.CDK_DEFAULT_REGION = savedRegion;
});

/** Every statement of every inline policy of the stack. */
function statements(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (p: any) => p.Properties.PolicyDocument.Statement,
  );
}
const actionsOf = (s: any): string[] => [s.Action].flat();

describe('instance output policy (item 1)', () => {
  it('lets the SSM agent read the bucket encryption, and is exported as a stack output', () => {
    state.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetEncryptionConfiguration',
            Resource: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }),
          }),
        ]),
      },
    });
    state.hasOutput('InstanceOutputPolicyArn', {
      Export: { Name: 'Paramedic-InstanceOutputPolicyArn' },
      Value: { Ref: Match.stringLikeRegexp('InstanceOutputPolicy') },
    });
  });

  it('attaches to the instance roles the config names', () => {
    prodState.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['docker-hosts', 'eks-nodes'],
    });
    expect(JSON.stringify(state.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('"Roles"');
  });
});

describe('dead-letter queues can receive (item 5)', () => {
  it('the key that encrypts the DLQs lets events.amazonaws.com generate and decrypt data keys', () => {
    const principals = new Capture();
    state.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: principals },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey']),
          }),
        ]),
      },
    });
    expect(principals.asArray()).toContain('events.amazonaws.com');
    const queueKeys = new Capture();
    pipeline.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: queueKeys });
    expect(JSON.stringify(queueKeys.asObject())).toMatch(/Key/);
  });
});

describe('hardening (item 10)', () => {
  it('ssm:SendCommand reaches only instances with the managed tag; the documents themselves are unconditioned', () => {
    const send = statements(pipeline).filter((s) => actionsOf(s).includes('ssm:SendCommand'));
    const onInstances = send.filter((s) => JSON.stringify(s.Resource).includes(':instance/*'));
    expect(onInstances.length).toBeGreaterThanOrEqual(2); // Collect/Verify and RemediateStep
    for (const s of onInstances)
      expect(s.Condition).toEqual({
        StringEquals: { 'ssm:resourceTag/paramedic:managed': 'true' },
      });
    const onDocuments = send.filter((s) => JSON.stringify(s.Resource).includes(':document/'));
    expect(onDocuments.length).toBeGreaterThanOrEqual(2);
    for (const s of onDocuments) {
      expect(s.Condition).toBeUndefined();
      expect(JSON.stringify(s.Resource)).not.toContain(':instance/');
    }
    const prodInstances = statements(prodPipeline).filter(
      (s) =>
        actionsOf(s).includes('ssm:SendCommand') &&
        JSON.stringify(s.Resource).includes(':instance/*'),
    );
    for (const s of prodInstances)
      expect(s.Condition).toEqual({ StringEquals: { 'ssm:resourceTag/team:oncall': 'payments' } });
  });

  it('names the managed tag to every function that sends commands, as its grant requires it', () => {
    for (const [t, tag] of [
      [pipeline, { key: 'paramedic:managed', value: 'true' }],
      [prodPipeline, { key: 'team:oncall', value: 'payments' }],
    ] as const) {
      type Fn = { Properties: { Environment?: { Variables?: Record<string, string> } } };
      const senders = (Object.values(t.findResources('AWS::Lambda::Function')) as Fn[])
        .map((f) => f.Properties.Environment?.Variables ?? {})
        .filter((v) => SSM_RUNNER_ENV.documentPrefix in v && SSM_RUNNER_ENV.rateControl in v);
      expect(senders.length).toBeGreaterThanOrEqual(4);
      for (const v of senders)
        expect(JSON.parse(v[SSM_RUNNER_ENV.managedInstanceTag] ?? 'null')).toEqual(tag);
    }
  });

  it('hands the SSM rate controls and document prefix to the functions that send commands', () => {
    const env = new Capture();
    prodPipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [SSM_RUNNER_ENV.rateControl]: env }) },
    });
    expect(JSON.parse(env.asString())).toEqual({
      collect: { maxConcurrency: '50', maxErrors: '100%' },
      remediate: { maxConcurrency: '2', maxErrors: '1' },
    });
    prodPipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [SSM_RUNNER_ENV.documentPrefix]: 'Paramedic-prod-' }),
      },
    });
  });

  it('reserves concurrency on every function by default, none when the config says false', () => {
    const fns = Object.values(pipeline.findResources('AWS::Lambda::Function')) as any[];
    expect(fns.length).toBeGreaterThan(0);
    for (const f of fns) expect(f.Properties.ReservedConcurrentExecutions).toBe(20);
    for (const f of Object.values(prodPipeline.findResources('AWS::Lambda::Function')) as any[])
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('alarms on failed and timed-out executions, Lambda errors and throttles, and DLQ depth, notifying a topic', () => {
    const alarms = Object.values(pipeline.findResources('AWS::CloudWatch::Alarm')) as any[];
    const metrics = alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ]),
    );
    const fnCount = Object.keys(pipeline.findResources('AWS::Lambda::Function')).length;
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(fnCount);
    expect(metrics.filter((m) => m.endsWith('ApproximateNumberOfMessagesVisible'))).toHaveLength(2);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Notifications/) }]);
      expect(a.Properties.TreatMissingData).toBe('notBreaching');
    }
    prodPipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:ops'],
    });
  });

  it('escalated runs trip their own alarm (invocations of the Escalate function), apart from ExecutionsFailed which counts them too', () => {
    const escalateId = byDefault.pipeline.getLogicalId(
      byDefault.pipeline.functions.Escalate.node.defaultChild as never,
    );
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: escalateId } }],
      Threshold: 1,
    });
  });

  it("never bakes in the CLI's fallback region: stacks are environment-agnostic unless the config names one", () => {
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    const app = createApp({ context: DEFAULTS }, { nag: false });
    expect(Token.isUnresolved(app.pipeline.region)).toBe(true);
    expect(Token.isUnresolved(app.state.region)).toBe(true);
    expect(JSON.stringify(Template.fromStack(app.state).toJSON())).not.toContain('us-east-1');
    expect(prod.pipeline.region).toBe('eu-west-1');
    expect(prod.pipeline.account).toBe('123456789012');
  });

  it('two deployments coexist: stack names, SSM document names, export names and the bus differ', () => {
    expect([byDefault.state.stackName, byDefault.pipeline.stackName]).toEqual([
      'ParamedicState',
      'ParamedicPipeline',
    ]);
    expect([prod.state.stackName, prod.pipeline.stackName]).toEqual([
      'ParamedicState-prod',
      'ParamedicPipeline-prod',
    ]);
    const names = (t: Template) =>
      Object.values(t.findResources('AWS::SSM::Document')).map(
        (d: any) => d.Properties.Name as string,
      );
    const canonical = [...COLLECTOR_DOCUMENTS, ...ACTION_DOCUMENTS].map((d) => d.documentName);
    expect(names(pipeline).sort()).toEqual([...canonical].sort());
    expect(names(prodPipeline).sort()).toEqual(
      canonical.map((n) => n.replace(/^Paramedic-/, 'Paramedic-prod-')).sort(),
    );
    const send = statements(prodPipeline).filter((s) => actionsOf(s).includes('ssm:SendCommand'));
    expect(JSON.stringify(send)).toContain('document/Paramedic-prod-CollectDockerHost');
    expect(JSON.stringify(send)).not.toContain('document/Paramedic-CollectDockerHost');
    const exports = (t: Template) =>
      Object.values(t.toJSON().Outputs ?? {})
        .map((o: any) => o.Export?.Name)
        .filter((n) => typeof n === 'string' && !n.includes(':'));
    const a = [...exports(state), ...exports(pipeline)];
    const b = [...exports(prodState), ...exports(prodPipeline)];
    expect(a.filter((n) => b.includes(n))).toEqual([]);
  });

  it("keeps evidence the audit trail points at: only raw SSM output, the waits' per-host results and overwritten versions expire", () => {
    const rules = new Capture();
    state.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: rules },
    });
    const list = rules.asArray() as any[];
    const expiring = list.filter((x) => x.ExpirationInDays !== undefined);
    expect(expiring.map((r) => r.Prefix).sort()).toEqual(['command-results/', 'ssm-output/']);
    // The bundles and the documents the audit trail points at (under executions/) never expire.
    for (const key of [
      'executions/run-1/triage/i-1.json',
      'executions/run-1/audit/collected/x.json',
    ])
      expect(expiring.filter((r) => key.startsWith(r.Prefix))).toEqual([]);
    // The per-host results, and the copies a retried send overwrites, go within a week: long after
    // the wait record that points at them (a day), long before the raw SSM output (retentionDays).
    const results = expiring.find((r) => r.Prefix === COMMAND_RESULTS_PREFIX);
    expect(commandResultKey('run-1', 'triage', 'i-1').startsWith(results.Prefix)).toBe(true);
    expect(commandSentKey('run-1', 'triage').startsWith(results.Prefix)).toBe(true);
    expect(results.ExpirationInDays).toBe(COMMAND_RESULTS_RETENTION_DAYS);
    expect(results.NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: COMMAND_RESULTS_RETENTION_DAYS,
    });
    expect(results.ExpirationInDays * 86_400).toBeGreaterThan(COMMAND_WAIT_TTL_SECONDS);
    expect(list.some((r) => r.NoncurrentVersionExpiration && r.Prefix === undefined)).toBe(true);
  });
});

describe('SSM action documents (item 11)', () => {
  it('every synthesized parameter default matches its own allowedPattern; required parameters have none', () => {
    const docs = Object.values(pipeline.findResources('AWS::SSM::Document')) as any[];
    let required = 0;
    for (const d of docs) {
      for (const [name, p] of Object.entries(d.Properties.Content.parameters) as Array<
        [string, any]
      >) {
        if (p.default === undefined) required++;
        else
          expect(
            new RegExp(p.allowedPattern).test(p.default),
            `${d.Properties.Name} ${name} default ${JSON.stringify(p.default)}`,
          ).toBe(true);
      }
    }
    expect(required).toBeGreaterThanOrEqual(2); // DockerRestartContainer and DockerStopContainer: container
    pipeline.hasResourceProperties('AWS::SSM::Document', {
      Name: 'Paramedic-DockerStopContainer',
      Content: Match.objectLike({
        parameters: { container: Match.objectLike({ default: Match.absent() }) },
      }),
    });
  });

  it('fails the synth when a default would be refused by its pattern', () => {
    const doc = {
      ...ACTION_DOCUMENTS[0]!,
      parameters: {
        container: {
          type: 'String' as const,
          allowedPattern: '^[a-z]{1,8}$',
          default: '',
          description: 'x',
          env: 'PARAMEDIC_CONTAINER',
        },
      },
    };
    expect(() => documentContent(doc, 'echo hi')).toThrow(ParameterDefaultError);
    expect(() => documentContent(doc, 'echo hi')).toThrow(/container: default "" does not match/);
  });

  it("fails the synth when a document with its longest parameter values would pass SSM's 64 KB quota", () => {
    const doc = COLLECTOR_DOCUMENTS[0]!;
    const script = (bytes: number) => `#!/usr/bin/env bash\n# ${'x'.repeat(bytes)}\n`;
    expect(() => documentContent(doc, script(SSM_DOCUMENT_MAX_BYTES))).toThrow(
      DocumentTooLargeError,
    );
    expect(() => documentContent(doc, script(SSM_DOCUMENT_MAX_BYTES))).toThrow(
      /over SSM's 65536-byte document quota/,
    );
    expect(() => documentContent(doc, script(1000))).not.toThrow();
    // The real documents, as synthesized above, are under the quota.
    const documents = Object.values(pipeline.findResources('AWS::SSM::Document'));
    expect(documents.length).toBeGreaterThan(2);
    for (const d of documents)
      expect(Buffer.byteLength(JSON.stringify(d.Properties.Content))).toBeLessThan(
        SSM_DOCUMENT_MAX_BYTES,
      );
  });
});

describe('approve function URL (item 9; issue 13: the approver is authenticated)', () => {
  it('gives the approve function a URL with AuthType AWS_IAM, exported as ApproveUrl, and grants nobody public access', () => {
    const approveFn = Object.entries(pipeline.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('Approve'),
    )![0];
    const urls = pipeline.findResources('AWS::Lambda::Url');
    expect(Object.values(urls)).toEqual([
      expect.objectContaining({
        Properties: {
          AuthType: 'AWS_IAM',
          TargetFunctionArn: { 'Fn::GetAtt': [approveFn, 'Arn'] },
        },
      }),
    ]);
    pipeline.hasOutput('ApproveUrl', {
      Export: { Name: 'Paramedic-ApproveUrl' },
      Value: { 'Fn::GetAtt': [Object.keys(urls)[0], 'FunctionUrl'] },
    });
    prodPipeline.hasOutput('ApproveUrl', { Export: { Name: 'Paramedic-prod-ApproveUrl' } });
    // Who may approve is decided by the approvers' own IAM policies: the stack adds no resource policy to the URL.
    expect(
      Object.values(pipeline.findResources('AWS::Lambda::Permission')).filter(
        (p: any) =>
          p.Properties.FunctionUrlAuthType !== undefined || p.Properties.Principal === '*',
      ),
    ).toEqual([]);
  });
});

describe('approve function: records the verified decision before it resumes the task', () => {
  it('may write the state table only with PutItem, only on approval-decision# items', () => {
    // Prepare: the statements of the approve function's role.
    const [approveId, approveFn] = Object.entries(
      pipeline.findResources('AWS::Lambda::Function'),
    ).find(([id]) => id.startsWith('Approve'))! as [string, any];
    const roleId = approveFn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(pipeline.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const actionsOf = (st: any): string[] => [st.Action].flat();
    const writes = statements.filter((st: any) =>
      actionsOf(st).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)),
    );

    // Assess
    expect(approveId).toBeDefined();
    expect(writes).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:PutItem',
        Effect: 'Allow',
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['approval-decision#*'] },
        },
      }),
    ]);
    expect(statements.some((st: any) => actionsOf(st).includes('kms:GenerateDataKey*'))).toBe(true);
  });
});

describe('stack outputs and events (item 12)', () => {
  it('exports every name the CLI needs, under stable export names', () => {
    const outputs = { ...state.toJSON().Outputs, ...pipeline.toJSON().Outputs } as Record<
      string,
      any
    >;
    for (const name of OUTPUT_NAMES)
      expect(outputs[name]?.Export?.Name, name).toBe(`Paramedic-${name}`);
    prodPipeline.hasOutput('StateMachineArn', {
      Export: { Name: 'Paramedic-prod-StateMachineArn' },
    });
  });

  it("creates the bus, and a rule on it that starts the workflow with the run request's detail as input", () => {
    pipeline.hasResourceProperties('AWS::Events::EventBus', { Name: 'paramedic' });
    const busRef = new Capture();
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busRef },
      EventPattern: { source: [RUN_REQUEST_SOURCE], 'detail-type': [RUNBOOK_RUN_REQUESTED] },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('StateMachine') },
          InputPath: '$.detail',
          DeadLetterConfig: { Arn: Match.anyValue() },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
    expect(busRef.asString()).toMatch(/^EventsBus/);
    // The run-request rule never matches Paramedic's own status events.
    expect(JSON.stringify(pipeline.findResources('AWS::Events::Rule'))).not.toContain(
      EXECUTION_STATUS_CHANGE,
    );
  });

  it('grants exactly PutEvents on the bus to the functions, and tells them its name', () => {
    const put = statements(pipeline).filter((s) => actionsOf(s).includes('events:PutEvents'));
    expect(put.length).toBeGreaterThan(0);
    for (const s of put) {
      expect(actionsOf(s)).toEqual(['events:PutEvents']);
      expect(JSON.stringify(s.Resource)).toMatch(/EventsBus/);
    }
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [EVENT_BUS_ENV]: { Ref: Match.stringLikeRegexp('^EventsBus') },
        }),
      },
    });
  });

  it('imports an existing bus by name instead of creating one', () => {
    prodPipeline.resourceCountIs('AWS::Events::EventBus', 0);
    prodPipeline.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'shared-ops',
      EventPattern: Match.objectLike({ source: [RUN_REQUEST_SOURCE] }),
    });
    prodPipeline.hasOutput('EventBusName', { Value: 'shared-ops' });
  });
});

describe('config of a deployment', () => {
  it.each([
    [{ deploymentName: 'Prod_1' }, /deploymentName: a deployment name/],
    [{ region: 'mars' }, /region: an AWS region/],
    [
      { instanceRoleNames: ['arn:aws:iam::123456789012:role/x'] },
      /instanceRoleNames\.0: an IAM role name/,
    ],
    [
      { ssmRateControl: { collect: { maxConcurrency: '0', maxErrors: '1' } } },
      /maxConcurrency: a count from 1/,
    ],
    [{ reservedConcurrency: 0 }, /at least 1, or false/],
    [
      { eventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/x' },
      /eventBusName: an EventBridge bus name/,
    ],
    [
      { collectorLogs: { docker: { daemonLog: 'var/log/docker.log' } } },
      /collectorLogs\.docker\.daemonLog: a file under \/var\/log\//,
    ],
    [
      { collectorLogs: { docker: { daemonLog: '/var/log/docker.log; reboot' } } },
      /collectorLogs\.docker\.daemonLog: a file under \/var\/log\//,
    ],
    [
      { collectorLogs: { eks: { daemonLog: '/var/log/docker.log' } } },
      /collectorLogs\.eks\.daemonLog: not a log the eks collector reads; known: containerdLog, kubeletLog, ipamdLog, policyAgentLog/,
    ],
    [
      { collectorLogs: { docker: { daemonLog: '/var/log/../../etc/shadow' } } },
      /collectorLogs\.docker\.daemonLog: a file under \/var\/log\/ \(at most 4 levels/,
    ],
    [
      { collectorLogs: { docker: { incidentTime: '/var/log/x.log' } } },
      /collectorLogs\.docker\.incidentTime: not a log the docker collector reads; known: containerdLog, daemonLog/,
    ],
    [{ collectorLogs: { ecs: {} } }, /collectorLogs: unknown field\(s\) ecs/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});
