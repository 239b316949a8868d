import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../cdk/app.js';
import { ENV } from '../../lambdas/handlers/environment.js';
import { resolveWorkflowConfig } from '../../lambdas/core/workflow/config.js';

const WEEK_MINUTES = 7 * 24 * 60;

/** The state machine's own TimeoutSeconds and the workflow config every function gets. */
function synth(approvalTimeoutMinutes?: number): {
  executionTimeout: number;
  approvalTimeout: number;
  lockTtl: number;
} {
  const { pipeline } = createApp({
    context: {
      'aws:cdk:bundling-stacks': [],
      paramedic: {
        alarmNamePrefixes: ['paramedic-'],
        ...(approvalTimeoutMinutes ? { approvalTimeoutMinutes } : {}),
      },
    },
  });
  const template = Template.fromStack(pipeline);
  const [machine] = Object.values(
    template.findResources('AWS::StepFunctions::StateMachine'),
  ) as any[];
  // The definition is an Fn::Join of strings and references (function ARNs, inside JSON strings): join with a placeholder.
  const body = machine.Properties.DefinitionString['Fn::Join'][1]
    .map((part: unknown) => (typeof part === 'string' ? part : 'ref'))
    .join('');
  const definition = JSON.parse(body);
  const executionTimeout = definition.TimeoutSeconds as number;
  const approvalTimeout = definition.States.RequestApproval.TimeoutSeconds as number;
  const fn = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).find(
    (f) => f.Properties.Environment?.Variables?.[ENV.config],
  );
  const config = resolveWorkflowConfig(JSON.parse(fn.Properties.Environment.Variables[ENV.config]));
  return { executionTimeout, approvalTimeout, lockTtl: config.lockTtlSeconds };
}

describe('timeouts follow the approval timeout, so they cannot contradict each other', () => {
  it('a 7-day approval: the execution outlasts it by a day, and so does the lock', () => {
    const t = synth(WEEK_MINUTES);

    expect(t.approvalTimeout).toBe(WEEK_MINUTES * 60);
    expect(t.executionTimeout).toBe(WEEK_MINUTES * 60 + 24 * 3600);
    expect(t.lockTtl).toBeGreaterThan(t.approvalTimeout);
  });

  it('the default 60-minute approval: the execution keeps its 2 days; the lock outlasts collection plus the approval', () => {
    const t = synth();

    expect(t.executionTimeout).toBe(2 * 24 * 3600);
    expect(t.lockTtl).toBe(3600 + 3600);
  });

  it('an explicit lock TTL is kept as set', () => {
    expect(
      resolveWorkflowConfig({ approvalTimeoutSeconds: 600, lockTtlSeconds: 900 }).lockTtlSeconds,
    ).toBe(900);
    expect(resolveWorkflowConfig({ approvalTimeoutSeconds: 600 }).lockTtlSeconds).toBe(4200);
  });
});
