/**
 * The synthesized workflow waits for SSM's completion events on a task token: CollectSend and
 * VerifySend are `lambda:invoke.waitForTaskToken` Tasks whose timeout (the collectors' own plus
 * delivery grace) stays inside the execution's, and whose States.Timeout goes on to the read Task;
 * the functions that resume them may call SendTaskSuccess on this state machine only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp, type ParamedicApp } from '../../cdk/app.js';
import { commandWaitSeconds } from '../../lambdas/core/collection/command-wait.js';

let built: ParamedicApp;
let template: Template;
let definition: any;
beforeAll(() => {
  built = createApp({
    context: { 'aws:cdk:bundling-stacks': [], paramedic: { alarmNamePrefixes: ['prod-'] } },
  });
  template = Template.fromStack(built.pipeline);
  const [machine] = Object.values(
    template.findResources('AWS::StepFunctions::StateMachine'),
  ) as any[];
  // An Fn::Join of strings and references (function ARNs inside JSON strings): join with a placeholder.
  definition = JSON.parse(
    machine.Properties.DefinitionString['Fn::Join'][1]
      .map((part: unknown) => (typeof part === 'string' ? part : 'ref'))
      .join(''),
  );
});

// Before remediation nothing changed on a host: a failure releases the lock. After it, Escalate rolls back first.
describe.each([
  ['CollectSend', 'Collect', '$.collectWait', 'ReleaseLock'],
  ['VerifySend', 'Verify', '$.verifyCollectWait', 'Escalate'],
])('%s', (send, read, resultPath, onFailure) => {
  it('is a waitForTaskToken Task that passes its token and goes on to the read Task', () => {
    const state = definition.States[send];
    expect(state.Type).toBe('Task');
    expect(state.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(state.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(state.ResultPath).toBe(resultPath);
    expect(state.Next).toBe(read);
  });

  it("waits the collectors' timeout plus grace, within the execution's timeout", () => {
    const state = definition.States[send];
    expect(state.TimeoutSeconds).toBe(commandWaitSeconds(600));
    expect(state.TimeoutSeconds).toBeLessThan(definition.TimeoutSeconds);
  });

  it('on States.Timeout still reads what finished; any other failure releases the lock (through the rollback once remediation ran)', () => {
    const catches = definition.States[send].Catch as {
      ErrorEquals: string[];
      Next: string;
      ResultPath: string;
    }[];
    expect(catches[0]).toEqual({
      ErrorEquals: ['States.Timeout'],
      Next: read,
      ResultPath: resultPath,
    });
    expect(catches[1]).toEqual({
      ErrorEquals: ['States.ALL'],
      Next: onFailure,
      ResultPath: '$.failure',
    });
  });
});

describe('who may resume the waits', () => {
  it('CollectSend, VerifySend and CommandCompleted may call SendTaskSuccess on the workflow only, each in a policy of its own (no dependency cycle)', () => {
    const machineId = built.pipeline.getLogicalId(
      built.pipeline.workflow.stateMachine.node.defaultChild as never,
    );
    const fns = [
      built.pipeline.functions.CollectSend,
      built.pipeline.functions.VerifySend,
      built.pipeline.commandCompletion.function,
    ];
    for (const fn of fns) {
      const roleId = built.pipeline.getLogicalId(fn.executionRole.node.defaultChild as never);
      const policies = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
        }),
      ) as any[];
      const grants = policies
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => [s.Action].flat().includes('states:SendTaskSuccess'));
      expect(grants).toEqual([
        expect.objectContaining({ Action: 'states:SendTaskSuccess', Resource: { Ref: machineId } }),
      ]);
    }
    // The read Tasks and the rest never resume anything.
    const collectRole = built.pipeline.getLogicalId(
      built.pipeline.functions.Collect.executionRole.node.defaultChild as never,
    );
    const collectPolicies = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: Match.arrayWith([{ Ref: collectRole }]) },
      }),
    ) as any[];
    expect(JSON.stringify(collectPolicies)).not.toContain('states:SendTaskSuccess');
  });
});
