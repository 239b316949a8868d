import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../cdk/app.js';
import { ENV } from '../../lambdas/handlers/environment.js';
import { resolveWorkflowConfig } from '../../lambdas/core/workflow/config.js';
import { taskFunctionTimeout } from '../../cdk/workflow/workflow-definition.js';
import { ACTION_DOCUMENTS } from '../../lambdas/core/collection/collector-documents.js';
import { COMMAND_GRACE_MS } from '../../lambdas/adapters/ssm/ssm-command-runner.js';
import { DEADLINE_MARGIN_MS } from '../../lambdas/handlers/invocation-deadline.js';

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

describe('RemediateStep waits for the longest host action', () => {
  it("the longest action document's timeout, plus the runner's grace for its result, ends before RemediateStep's own deadline", () => {
    const longest = Math.max(...ACTION_DOCUMENTS.map((d) => d.timeoutSeconds));
    // The runner waits the document's timeoutSeconds plus the grace, capped by the invocation's
    // deadline (the function's timeout less the margin kept to record the outcome): a cap below
    // would report TimedOut an action SSM still lets run.
    const deadlineMs = taskFunctionTimeout('RemediateStep').toMilliseconds() - DEADLINE_MARGIN_MS;
    expect(longest * 1000 + COMMAND_GRACE_MS).toBeLessThanOrEqual(deadlineMs);
  });
});
