/**
 * Review 12's spoof, on the synthesized workflow over dynalite and s3rver: an alarm-shaped input that
 * CloudWatch did not send (an OK event, another prefix, an ALARM it has no record of) is refused at
 * Intake, once (not retried), with its refusal on the trail under the StartExecution identity; it
 * claims nothing, so the real alarm delivered afterwards runs instead of being dropped as a duplicate.
 * ExecutionInterrupted then leaves the refused run as it is.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra } from './harness.js';
import { handleExecutionStatusChange } from '../../../lambdas/handlers/execution-interrupted.js';
import { summarizeExecution } from '../../../lambdas/core/audit/execution-summary.js';

const HOST = 'i-0123456789abcdef0';
const infra = sharedInfra();
const real = () => fixture<any>('alarm-state-change-instance.json');

const forgeries: readonly [string, (e: any) => void, string][] = [
  ['an OK event', (e) => (e.detail.state.value = 'OK'), 'state'],
  ['an alarm of another prefix', (e) => (e.detail.alarmName = 'billing-spend'), 'prefix'],
  ['an ALARM event CloudWatch never sent', () => undefined, 'source'],
];

describe('an alarm event CloudWatch did not send is refused at Intake', () => {
  it.each(forgeries)(
    '%s: refused once, nothing claimed; the real alarm then runs',
    async (_, forge, check) => {
      let intakes = 0;
      const s = await scenario(infra(), {
        onTask: (task) => void (task === 'Intake' && intakes++),
      });
      s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });
      const forged = real();
      forge(forged);

      const spoof = await s.execute(forged, undefined, { forged: true });

      expect((spoof.error?.cause as Error | undefined)?.name).toBe('AlarmRefusedError');
      const trail = await s.audit.execution(spoof.executionId);
      expect(trail).toEqual([
        expect.objectContaining({
          type: 'refused',
          actor: 'iam:123456789012:StartExecution',
          outcome: 'rejected',
          data: expect.objectContaining({ check }),
        }),
      ]);
      expect(summarizeExecution(trail).outcome).toBe('rejected');
      expect(s.fleet.requests).toHaveLength(0);
      // The execution failed without Complete: closing it finds the refusal and adds nothing.
      const ended = {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: spoof.executionId,
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Paramedic',
          status: 'FAILED',
          startDate: Date.now() - 1000,
          error: 'AlarmRefusedError',
        },
      };
      expect(
        await handleExecutionStatusChange(ended, ended.detail.stateMachineArn, s.ports, {
          now: () => new Date(),
        }),
      ).toMatchObject({ closed: false, why: expect.stringContaining('Intake refused the run') });

      const run = await s.execute(real());

      expect(run.output.intake.duplicate).toBe(false);
      expect(run.output.completion.outcome).toBe('remediated');
    },
  );
});
