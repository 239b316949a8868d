/**
 * An alarm-shaped input is a claim: Intake takes it only as the intake rule would have sent it (a
 * change to ALARM, a configured name prefix) and as CloudWatch confirms it. A refused one claims
 * nothing and writes only its refusal (actor: the authenticated caller), so the real alarm after it
 * is handled, not dropped as a duplicate. The reviewer's spoof (review 12): an OK event, then the real alarm.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { createLocalAdapters, localWorkflowPorts } from '../../../lambdas/local/local-ports.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { alarmDedupeKey } from '../../../lambdas/core/workflow/dedupe.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import type { AlarmStateReader } from '../../../lambdas/core/workflow/ports.js';
import { RaisedAlarms } from '../../support/raised-alarms.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const realAlarm = () =>
  JSON.parse(
    readFileSync(
      join(REPO_ROOT, 'test', 'fixtures', 'alarms', 'ec2-docker-host-disk-used.json'),
      'utf8',
    ),
  );
const CALLER = 'iam:111111111111:StartExecution';

/** Intake over local stores, with `alarms` as CloudWatch and a StartExecution caller. */
function world(alarms: AlarmStateReader | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-confirm-'));
  dirs.push(dir);
  const adapters = createLocalAdapters(dir);
  const ports = {
    ...localWorkflowPorts(adapters, {
      commands: { run: async () => [] },
      rulebook: { runbooks: [] } as never,
      approval: { kind: 'none' },
      config: {},
    }),
    ...(alarms ? { alarms } : {}),
    caller: { authenticatedActor: async () => CALLER },
  };
  let n = 0;
  const intake = (event: unknown) =>
    runIntake(
      {
        executionId: `arn:aws:states:eu-west-1:111111111111:execution:W:${++n}`,
        state: event,
      } as never,
      ports,
      adapters.clock,
    );
  return { adapters, ports, intake };
}

describe('Intake refuses an alarm event the intake rule would not send, before claiming anything', () => {
  it('an OK event (the spoof) is refused naming its state; the real alarm after it is not a duplicate', async () => {
    const real = realAlarm();
    const cloudwatch = new RaisedAlarms().raise(real);
    const { adapters, ports, intake } = world(cloudwatch);
    const forged = realAlarm();
    forged.detail.state.value = 'OK';

    await expect(intake(forged)).rejects.toMatchObject({
      name: 'AlarmRefusedError',
      message: expect.stringMatching(/went OK: only a change to ALARM starts a run/),
    });
    expect(await ports.state.get(alarmDedupeKey(normalizeAlarmEvent(real)))).toBeUndefined();
    const [refused] = await adapters.audit.execution(
      'arn:aws:states:eu-west-1:111111111111:execution:W:1',
    );
    expect(refused).toMatchObject({
      type: 'refused',
      actor: CALLER,
      outcome: 'rejected',
      data: { check: 'state', requestedBy: `alarm:${real.detail.alarmName}`, state: 'OK' },
    });

    const after = await intake(real);
    expect(after.duplicate).toBe(false);
    expect(after.targets.map((t) => t.id)).toEqual(['i-0a1b2c3d4e5f60718']);
  });

  it("an alarm without one of the deployment's prefixes is refused, naming the prefixes", async () => {
    const other = realAlarm();
    other.detail.alarmName = 'billing-disk-used';
    const { intake } = world(new RaisedAlarms().raise(other));

    await expect(intake(other)).rejects.toMatchObject({
      name: 'AlarmRefusedError',
      refusal: { check: 'prefix' },
      message: expect.stringContaining(
        "none of this deployment's alarm name prefixes (paramedic-)",
      ),
    });
  });
});

describe('Intake confirms an alarm event at CloudWatch', () => {
  it('a forged ALARM event CloudWatch does not know is refused; the real alarm after it runs', async () => {
    const real = realAlarm();
    const cloudwatch = new RaisedAlarms();
    const { ports, intake } = world(cloudwatch);

    await expect(intake(real)).rejects.toMatchObject({
      refusal: { check: 'source' },
      message: expect.stringMatching(/CloudWatch has no such alarm in 123456789012\/eu-west-1/),
    });
    expect(await ports.state.get(alarmDedupeKey(normalizeAlarmEvent(real)))).toBeUndefined();

    cloudwatch.raise(real);
    expect((await intake(real)).duplicate).toBe(false);
  });

  it('an event at a time the alarm did not change to ALARM is refused', async () => {
    const real = realAlarm();
    const { intake } = world(new RaisedAlarms().raise(real));
    const replayed = realAlarm();
    replayed.detail.state.timestamp = '2020-01-01T00:00:00.000+0000';

    await expect(intake(replayed)).rejects.toMatchObject({
      refusal: { check: 'source' },
      message: expect.stringMatching(/records no change to ALARM at 2020-01-01/),
    });
  });

  it("a real alarm's event with other dimensions (other targets) is refused", async () => {
    const real = realAlarm();
    const { intake } = world(new RaisedAlarms().raise(real));
    const retargeted = realAlarm();
    retargeted.detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId =
      'i-0fffffffffffffff0';

    await expect(intake(retargeted)).rejects.toMatchObject({
      refusal: { check: 'source' },
      message: expect.stringContaining("the event's dimensions are not the ones the alarm watches"),
    });
  });

  it('an alarm that has gone back to OK since is confirmed by its history', async () => {
    const real = realAlarm();
    const backToOk: AlarmStateReader = {
      readAlarm: async () => ({ state: 'OK', stateChangedAt: new Date().toISOString() }),
      changesToAlarm: async () => [],
    };
    const { adapters, intake } = world(new RaisedAlarms(backToOk).raise(real));

    const result = await intake(real);

    expect(result.duplicate).toBe(false);
    const [triggered] = await adapters.audit.execution(result.executionId);
    expect(triggered).toMatchObject({
      type: 'triggered',
      actor: `alarm:${real.detail.alarmName}`,
      data: {
        confirmation: expect.stringMatching(
          /^CloudWatch history: changed to ALARM at .* \(OK now\)$/,
        ),
      },
    });
  });

  it("without CloudWatch (a local run) the event is taken as the operator's own input, and the trail says it is unconfirmed", async () => {
    const real = realAlarm();
    const { adapters, intake } = world(undefined);

    const result = await intake(real);

    const [triggered] = await adapters.audit.execution(result.executionId);
    expect(triggered).toMatchObject({
      type: 'triggered',
      data: {
        confirmation: expect.stringMatching(
          /^not confirmed: no CloudWatch to confirm it with \(a local run/,
        ),
      },
    });
  });
});
