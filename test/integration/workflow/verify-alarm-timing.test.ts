/**
 * Verification against an alarm that cannot have re-evaluated yet: a working fix is not escalated
 * because the alarm still reads ALARM 60 s later; an alarm that has had its full evaluation window
 * still decides.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra } from './harness.js';
import type { AlarmReading, AlarmStateReader } from '../../../lambdas/core/workflow/ports.js';

const HOST = 'i-0123456789abcdef0';

const infra = sharedInfra();

const stuckInAlarm = (reading: AlarmReading): AlarmStateReader => ({
  readAlarm: async () => reading,
  changesToAlarm: async () => [],
});

describe('Verify reads the alarm only as far as it can have re-evaluated', () => {
  it('a working fix is remediated although the 5-minute alarm still reads ALARM right after it', async () => {
    const s = await scenario(infra(), {
      ports: { alarms: stuckInAlarm({ state: 'ALARM', evaluationSeconds: 300 }) },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(fixture<any>('alarm-state-change-instance.json'));

    expect(run.output.completion.outcome).toBe('remediated');
    expect(run.output.verification).toMatchObject({
      cleared: true,
      alarmState: 'ALARM',
      reason: expect.stringContaining('advisory'),
    });
  });

  it('an alarm whose evaluation window has passed since the fix still decides: ALARM escalates', async () => {
    // A zero-second window has always passed.
    const s = await scenario(infra(), {
      ports: { alarms: stuckInAlarm({ state: 'ALARM', evaluationSeconds: 0.001 }) },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(fixture<any>('alarm-state-change-instance.json'));

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.completion.outcome).toBe('escalated');
    expect(run.state.verification.reason).toMatch(/still in ALARM after a full evaluation window/);
  });
});
