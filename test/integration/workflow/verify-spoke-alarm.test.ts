/**
 * Verify reads the alarm that started the execution where it is. With the same alarms deployed to
 * every account, the hub's alarm of the same name can be in ALARM while the spoke's has cleared: a
 * fix in the spoke is judged by the spoke's alarm, not escalated (and rolled back) because of the
 * hub's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricAlarm, StateValue } from '@aws-sdk/client-cloudwatch';
import { fixture, scenario, sharedInfra } from './harness.js';
import { cloudWatchAlarmPorts } from '../../../lambdas/handlers/ports/cloudwatch-ports.js';
import {
  fromSpoke,
  SPOKE,
  twoAccountAlarms,
  type TwoAccountAlarms,
} from '../../support/two-account-alarms.js';

const HOST = 'i-0123456789abcdef0';
const ALARM = 'paramedic-docker-health';

const infra = sharedInfra();
let cloud: TwoAccountAlarms | undefined;
afterEach(() => {
  cloud?.restore();
  cloud = undefined;
});

/** The alarm on the host, with an evaluation window so short it has always passed by Verify: its state decides. */
const alarmIn = (state: StateValue): MetricAlarm => ({
  AlarmName: ALARM,
  StateValue: state,
  Period: 0.001,
  EvaluationPeriods: 1,
  Dimensions: [{ Name: 'InstanceId', Value: HOST }],
});

describe("Verify reads a spoke's alarm in the spoke", () => {
  it("a fix in the spoke is remediated when the spoke's alarm cleared, although the hub's same-named alarm is in ALARM", async () => {
    cloud = twoAccountAlarms({
      hub: { [ALARM]: alarmIn('ALARM') },
      spoke: { [ALARM]: alarmIn('OK') },
    });
    const s = await scenario(infra(), {
      ports: { alarms: cloudWatchAlarmPorts.create(cloud.env).alarms! },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(fromSpoke(fixture('alarm-state-change-instance.json')));

    expect(run.output?.completion.outcome).toBe('remediated');
    expect(run.output.verification).toMatchObject({ cleared: true, alarmState: 'OK' });
    // Intake confirms the alarm there, Verify reads it there: never the hub's same-named alarm.
    expect(cloud.reads).toEqual([
      { ...SPOKE, names: [ALARM] },
      { ...SPOKE, names: [ALARM] },
    ]);
  });

  it("a spoke's alarm still in ALARM after its window escalates, whatever the hub's says", async () => {
    cloud = twoAccountAlarms({
      hub: { [ALARM]: alarmIn('OK') },
      spoke: { [ALARM]: alarmIn('ALARM') },
    });
    const s = await scenario(infra(), {
      ports: { alarms: cloudWatchAlarmPorts.create(cloud.env).alarms! },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(fromSpoke(fixture('alarm-state-change-instance.json')));

    expect(run.state.completion.outcome).toBe('escalated');
    expect(run.state.verification.reason).toMatch(/still in ALARM after a full evaluation window/);
    // Intake confirms the alarm there, Verify reads it there: never the hub's same-named alarm.
    expect(cloud.reads).toEqual([
      { ...SPOKE, names: [ALARM] },
      { ...SPOKE, names: [ALARM] },
    ]);
  });
});
