import { describe, expect, it } from 'vitest';
import { renderWorkflowAsl } from '../../cdk/workflow/render-workflow-asl.js';
import { WORKFLOW_TASK_NAMES } from '../../lambdas/core/workflow/task-names.js';
import { taskFunctionTimeout } from '../../cdk/workflow/workflow-definition.js';

const asl = renderWorkflowAsl() as {
  States: Record<string, { Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[] }>;
};
const retriesOn = (state: string, error: string) =>
  (asl.States[state]!.Retry ?? []).filter((r) => r.ErrorEquals.includes(error));

describe('the synthesized workflow retries what a retry can fix', () => {
  it.each(WORKFLOW_TASK_NAMES)(
    '%s retries Lambda throttling and the Lambda service errors',
    (task) => {
      for (const error of [
        'Lambda.TooManyRequestsException',
        'Lambda.ServiceException',
        'Lambda.SdkClientException',
      ]) {
        expect(
          retriesOn(task, error).length + retriesOn(task, 'States.ALL').length,
          `${task} ${error}`,
        ).toBeGreaterThan(0);
      }
    },
  );

  it('handler errors are retried where a re-run cannot change anything twice, never on RemediateStep, Classify or Plan', () => {
    for (const task of ['Intake', 'AcquireLock', 'Collect', 'Verify', 'Escalate'])
      expect(retriesOn(task, 'States.ALL')[0]?.MaxAttempts, task).toBeGreaterThan(0);
    for (const task of ['RemediateStep', 'Classify', 'Plan'])
      expect(retriesOn(task, 'States.ALL'), task).toEqual([]);
  });

  it('errors a retry cannot fix (bad input, a lost lock, a timeout) are not retried, and come before States.ALL', () => {
    const retry = asl.States.Intake!.Retry!;
    const none = retry.findIndex((r) => r.ErrorEquals.includes('ManualInputError'));
    expect(retry[none]).toMatchObject({ MaxAttempts: 0 });
    expect(retry[none]!.ErrorEquals).toEqual(
      expect.arrayContaining(['LockLostError', 'States.Timeout']),
    );
    expect(none).toBeLessThan(retry.findIndex((r) => r.ErrorEquals.includes('States.ALL')));
  });
});

describe('a Task outlives its function', () => {
  it('every request-response Task waits longer than its function runs, so no function acts after its Task timed out', () => {
    const states = asl.States as Record<string, { TimeoutSeconds?: number; Resource?: string }>;
    for (const task of WORKFLOW_TASK_NAMES) {
      const state = states[task]!;
      if (state.Resource?.endsWith('.waitForTaskToken')) continue;
      expect(state.TimeoutSeconds, task).toBeGreaterThan(taskFunctionTimeout(task).toSeconds());
    }
  });

  it('ReleaseLock and Complete retry Lambda throttling with jitter, before their own retries', () => {
    for (const task of ['ReleaseLock', 'Complete']) {
      const retry = asl.States[task]!.Retry! as {
        ErrorEquals: string[];
        JitterStrategy?: string;
      }[];
      const throttled = retry.findIndex((r) =>
        r.ErrorEquals.includes('Lambda.TooManyRequestsException'),
      );
      const all = retry.findIndex((r) => r.ErrorEquals.includes('States.ALL'));
      expect(throttled, task).toBeGreaterThanOrEqual(0);
      expect(throttled, task).toBeLessThan(all);
      expect(retry[throttled]!.JitterStrategy, task).toBe('FULL');
    }
  });

  it("a function's own timeout is not retried, like the Task's", () => {
    const retry = asl.States.AcquireLock!.Retry!;
    const none = retry.findIndex((r) => r.ErrorEquals.includes('States.Timeout'));
    expect(retry[none]!.ErrorEquals).toContain('Sandbox.Timedout');
  });
});
