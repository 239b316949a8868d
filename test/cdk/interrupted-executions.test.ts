import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { EVENT_BUS_ENV } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { ENV } from '../../lambdas/handlers/environment.js';

const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  paramedic: { alarmNamePrefixes: ['prod-'], dryRun: false, automaticRemediation: true },
};

let built: ParamedicApp;
let template: Template;
beforeAll(() => {
  built = createApp({ context: CONTEXT });
  template = Template.fromStack(built.pipeline);
});

const logicalId = (construct: unknown): string => built.pipeline.getLogicalId(construct as never);

describe('interrupted executions on AWS', () => {
  it("a rule on the default bus sends this state machine's failed, timed-out and aborted executions to ExecutionInterrupted", () => {
    const fn = built.pipeline.interruptedExecutions?.function;
    expect(fn, 'the pipeline stack has no InterruptedExecutions construct').toBeDefined();
    const fnId = logicalId(fn!.node.defaultChild as CfnFunction);
    const machineId = logicalId(built.pipeline.workflow.stateMachine.node.defaultChild);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [{ Ref: machineId }],
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ]),
    });
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { source: ['aws.states'] } },
    });
    expect(Object.keys(rules)).toHaveLength(1);
    // The default bus: Step Functions publishes nowhere else.
    expect(Object.values(rules).every((r: any) => r.Properties.EventBusName === undefined)).toBe(
      true,
    );
  });

  it('ExecutionInterrupted gets its ports from EVENT_HANDLERS: audit, state, stored payloads (read), the bus, and the state machine it acts for', () => {
    const fn = built.pipeline.interruptedExecutions.function;
    const props =
      template.findResources('AWS::Lambda::Function')[logicalId(fn.node.defaultChild)]!.Properties;
    expect(Object.keys(props.Environment.Variables)).toEqual(
      expect.arrayContaining([
        ENV.auditTable,
        ENV.stateTable,
        ENV.evidenceBucket,
        EVENT_BUS_ENV,
        ENV.config,
        ENV.stateMachineArn,
      ]),
    );
    expect(props.Environment.Variables[ENV.stateMachineArn]).toEqual({
      Ref: logicalId(built.pipeline.workflow.stateMachine.node.defaultChild),
    });
    const roleId = logicalId(fn.executionRole.node.defaultChild);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
    });
    const actions = Object.values(policies).flatMap((p: any) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        // A large run's `triggered` entry (its targets) is stored by reference in the bucket.
        's3:GetObject*',
      ]),
    );
    // It closes runs; it never starts, stops or acts on hosts, nor writes to the bucket.
    expect(
      actions.filter(
        (a: string) =>
          a.startsWith('ssm:') ||
          a.startsWith('states:') ||
          (a.startsWith('s3:') && !/^s3:(GetObject\*|GetBucket\*|List\*)$/.test(a)),
      ),
    ).toEqual([]);
  });

  it("its errors and throttles are alarmed like every other function's", () => {
    const fnId = logicalId(built.pipeline.interruptedExecutions.function.node.defaultChild);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: Match.arrayWith([{ Name: 'FunctionName', Value: { Ref: fnId } }]),
    });
  });
});
