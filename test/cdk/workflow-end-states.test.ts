import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  endedInRecordedFailState,
  LOCKS_NOT_RELEASED_ERROR,
  REMEDIATION_ESCALATED_ERROR,
  WORKFLOW_FAILED_ERROR,
} from '../../lambdas/core/workflow/end-states.js';

// The generated ASL is the synthesized definition (generated-asl.test.ts fails when it is stale).
const asl = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../lambdas/local/workflow.asl.json'), 'utf8'),
);

describe('how an execution ends after Complete', () => {
  it('an escalated run ends in its own Fail state, so ExecutionsFailed and the console show it; unreleased locks first, then a failure, success otherwise', () => {
    const complete = asl.States.Complete;
    expect(complete.Next).toBe('HasFailed');
    const hasFailed = asl.States.HasFailed;
    expect(hasFailed.Choices).toEqual([
      { Variable: '$.releaseFailure', IsPresent: true, Next: 'LocksNotReleased' },
      { Variable: '$.failure', IsPresent: true, Next: 'Failed' },
      { Variable: '$.escalation', IsPresent: true, Next: 'Escalated' },
    ]);
    expect(hasFailed.Default).toBe('Done');
    expect(asl.States.Failed).toMatchObject({ Type: 'Fail', Error: WORKFLOW_FAILED_ERROR });
    expect(asl.States.Escalated).toMatchObject({
      Type: 'Fail',
      Error: REMEDIATION_ESCALATED_ERROR,
      Cause: expect.stringContaining('a person must act'),
    });
    expect(asl.States.Done.Type).toBe('Succeed');
    // A run that could not give its locks back ends failed, whatever its outcome, and says what to do.
    expect(asl.States.LocksNotReleased).toMatchObject({
      Type: 'Fail',
      Error: LOCKS_NOT_RELEASED_ERROR,
      Cause: expect.stringContaining('delete their lock# items'),
    });
    expect(asl.States.ReleaseLock.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.releaseFailure', Next: 'Complete' },
    ]);
    // A duplicate delivery is not an incident of its own: it still succeeds.
    expect(asl.States.Duplicate.Type).toBe('Succeed');
  });
});

describe('which failures roll back', () => {
  const catchOf = (state: string) =>
    (asl.States[state].Catch as { ErrorEquals: string[]; Next: string; ResultPath: string }[]).find(
      (c) => c.ErrorEquals.includes('States.ALL'),
    );

  it('an error once remediation has begun goes through Escalate (it undoes the completed steps) into $.failure, so the run still ends Failed', () => {
    for (const state of ['RemediateStep', 'VerifySend', 'Verify'])
      expect(catchOf(state), state).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.failure',
        Next: 'Escalate',
      });
    // Escalate failing still releases the locks; a host change was impossible before RemediateStep.
    for (const state of [
      'Escalate',
      'AcquireLock',
      'CollectSend',
      'Collect',
      'Classify',
      'Plan',
      'RequestApproval',
      'RecordApproval',
    ])
      expect(catchOf(state)?.Next, state).toBe('ReleaseLock');
    expect(asl.States.Escalate.Next).toBe('ReleaseLock');
  });

  it('an approval that timed out escalates; one that was rejected ends', () => {
    expect(asl.States.IsApproved.Choices).toEqual([
      { Variable: '$.approval.approved', BooleanEquals: true, Next: 'RemediateStep' },
      {
        And: [
          { Variable: '$.approval.timedOut', IsPresent: true },
          { Variable: '$.approval.timedOut', BooleanEquals: true },
        ],
        Next: 'Escalate',
      },
    ]);
    expect(asl.States.IsApproved.Default).toBe('ReleaseLock');
  });
});

describe('the local runner tells a recorded end from a crash', () => {
  const failWith = async (states: Record<string, unknown>): Promise<unknown> => {
    const machine = new StateMachine({ StartAt: 'First', States: states } as never, {
      validationOptions: { checkArn: false },
    });
    try {
      await machine.run(
        {},
        {
          overrides: {
            taskResourceLocalHandlers: {
              First: async () => {
                throw new Error('AccessDenied');
              },
            },
          },
        },
      ).result;
    } catch (error) {
      return error;
    }
    throw new Error('the execution did not fail');
  };

  it('the Escalated and Failed states are recorded ends (the CLI prints the report and exits 1)', async () => {
    expect(
      endedInRecordedFailState(
        await failWith({ First: { Type: 'Fail', Error: REMEDIATION_ESCALATED_ERROR, Cause: 'x' } }),
      ),
    ).toBe(true);
    expect(
      endedInRecordedFailState(
        await failWith({ First: { Type: 'Fail', Error: WORKFLOW_FAILED_ERROR, Cause: 'x' } }),
      ),
    ).toBe(true);
    expect(
      endedInRecordedFailState(
        await failWith({ First: { Type: 'Fail', Error: LOCKS_NOT_RELEASED_ERROR, Cause: 'x' } }),
      ),
    ).toBe(true);
  });

  it('a step that throws uncaught, or any other Fail state, is not', async () => {
    expect(
      endedInRecordedFailState(
        await failWith({
          First: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:First',
            End: true,
          },
        }),
      ),
    ).toBe(false);
    expect(
      endedInRecordedFailState(await failWith({ First: { Type: 'Fail', Error: 'SomethingElse' } })),
    ).toBe(false);
    expect(endedInRecordedFailState(new Error('plain'))).toBe(false);
    expect(endedInRecordedFailState(null)).toBe(false);
  });
});
