import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';
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

function actionsOfRole(role: unknown): string[] {
  const roleId = built.pipeline.getLogicalId(role as never);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap((p: any) =>
    p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
  );
}

describe('SSM completion by event', () => {
  it("a rule on the default bus sends terminal command status changes of this deployment's documents to CommandCompleted", () => {
    const fn = built.pipeline.commandCompletion.function;
    const fnId = built.pipeline.getLogicalId(fn.node.defaultChild as CfnFunction);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['EC2 Command Status-change Notification'],
        detail: {
          'document-name': [{ prefix: Match.stringLikeRegexp('^Paramedic-') }],
          status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
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
      Properties: { EventPattern: { source: ['aws.ssm'] } },
    });
    // The default bus: SSM publishes nowhere else.
    expect(Object.values(rules).every((r: any) => r.Properties.EventBusName === undefined)).toBe(
      true,
    );
  });

  it('CommandCompleted gets the state table and the document prefix, and may only write state and resume the workflow', () => {
    const fn = built.pipeline.commandCompletion.function;
    const props =
      template.findResources('AWS::Lambda::Function')[
        built.pipeline.getLogicalId(fn.node.defaultChild as CfnFunction)
      ]!.Properties;
    expect(Object.keys(props.Environment.Variables)).toEqual(
      expect.arrayContaining([ENV.stateTable, SSM_RUNNER_ENV.documentPrefix]),
    );
    expect(props.Environment.Variables[ENV.evidenceBucket]).toBeUndefined();
    const actions = actionsOfRole(fn.executionRole.node.defaultChild);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(
      actions.filter((a) => a.startsWith('ssm:') || a.startsWith('states:') || a.startsWith('s3:')),
    ).toEqual(['states:SendTaskSuccess']);
  });

  it('the steps that run documents may cancel what still runs at their deadline', () => {
    for (const task of ['Collect', 'Verify', 'RemediateStep'] as const) {
      expect(
        actionsOfRole(built.pipeline.functions[task].executionRole.node.defaultChild),
      ).toContain('ssm:CancelCommand');
    }
  });
});

describe('the runners wait for the events the stack delivers', () => {
  it('tells the functions that run documents that completion comes by event', () => {
    for (const task of ['Collect', 'Verify', 'RemediateStep'] as const) {
      const props =
        template.findResources('AWS::Lambda::Function')[
          built.pipeline.getLogicalId(
            built.pipeline.functions[task].node.defaultChild as CfnFunction,
          )
        ]!.Properties;
      expect(props.Environment.Variables[SSM_RUNNER_ENV.completionByEvent]).toBe('1');
    }
  });
});
