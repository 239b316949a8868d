/**
 * The `alarms` port reads an alarm where it is: a spoke's forwarded alarm (and a composite's
 * children) through the spoke role in the spoke's region, the hub's own with the function's
 * credentials. Hub and spoke hold alarms of the same names in different states, as they do when
 * one set of alarms is deployed to every account.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompositeAlarm, MetricAlarm, StateValue } from '@aws-sdk/client-cloudwatch';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { cloudWatchAlarmPorts } from '../../../lambdas/handlers/ports/cloudwatch-ports.js';
import {
  HUB,
  SPOKE,
  twoAccountAlarms,
  type TwoAccountAlarms,
} from '../../support/two-account-alarms.js';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'alarms', name), 'utf8'));
/** The fixture's composite alarm as it is in `where`: the event's account and region, and its rule's ARN child there too. */
const compositeIn = (where: { readonly account: string; readonly region: string }) => {
  const event = fixture('ec2-docker-hosts-composite.json');
  event.detail.configuration.alarmRule = event.detail.configuration.alarmRule.replace(
    'eu-west-1:123456789012',
    `${where.region}:${where.account}`,
  );
  return { ...event, account: where.account, region: where.region };
};
/** The composite alarm an event is about, as CloudWatch has it: in ALARM since the event, with its rule (Intake confirms it first). */
const raised = (event: ReturnType<typeof compositeIn>): Record<string, CompositeAlarm> => ({
  [event.detail.alarmName]: {
    AlarmName: event.detail.alarmName,
    AlarmRule: event.detail.configuration.alarmRule,
    StateValue: 'ALARM',
    StateTransitionedTimestamp: new Date(event.detail.state.timestamp),
  },
});
const dirs: string[] = [];
let cloud: TwoAccountAlarms | undefined;
afterEach(() => {
  cloud?.restore();
  cloud = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const metricAlarm = (name: string, state: StateValue, instanceId: string): MetricAlarm => ({
  AlarmName: name,
  StateValue: state,
  Period: 60,
  EvaluationPeriods: 1,
  Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
});

/** The fixture composite's two children in one account: disk in ALARM, health in `health`, on i-0<letter…>1 and 2. */
const hostChildren = (letter: 'a' | 'b', health: StateValue): Record<string, MetricAlarm> => ({
  'paramedic-docker-disk-child': metricAlarm(
    'paramedic-docker-disk-child',
    'ALARM',
    `i-0${letter.repeat(15)}1`,
  ),
  'paramedic-docker-health-child': metricAlarm(
    'paramedic-docker-health-child',
    health,
    `i-0${letter.repeat(15)}2`,
  ),
});

describe('the alarms port reads an alarm in the account and region it is in', () => {
  it("a spoke's alarm through the spoke role, the hub's (same name, other state) with the function's own keys", async () => {
    cloud = twoAccountAlarms({
      hub: { 'paramedic-docker-health': metricAlarm('paramedic-docker-health', 'ALARM', 'i-0a') },
      spoke: { 'paramedic-docker-health': metricAlarm('paramedic-docker-health', 'OK', 'i-0b') },
    });
    const { alarms } = cloudWatchAlarmPorts.create(cloud.env);

    const inSpoke = await alarms!.readAlarm('paramedic-docker-health', SPOKE);
    const inHub = await alarms!.readAlarm('paramedic-docker-health', HUB);
    const unlocated = await alarms!.readAlarm('paramedic-docker-health');

    expect(inSpoke).toMatchObject({ state: 'OK', dimensions: [{ InstanceId: 'i-0b' }] });
    expect(inHub).toMatchObject({ state: 'ALARM', dimensions: [{ InstanceId: 'i-0a' }] });
    expect(unlocated?.state).toBe('ALARM');
    expect(cloud.reads.map((r) => r.account)).toEqual([SPOKE.account, HUB.account, HUB.account]);
  });
});

describe("Intake resolves a forwarded composite alarm's children in the spoke", () => {
  const intakePorts = () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-spoke-alarms-'));
    dirs.push(dir);
    const clock = { now: () => new Date('2026-11-23T09:08:00Z') };
    return {
      clock,
      audit: new LocalAuditStore(dir),
      state: new LocalStateStore(dir, clock),
      rulebook: { runbooks: [] } as never,
      config: resolveWorkflowConfig(),
      errorWording: awsErrorWording,
    };
  };

  it("targets the spoke child's instance, located in the spoke, not the hub's same-named child", async () => {
    const event = compositeIn(SPOKE);
    cloud = twoAccountAlarms({
      hub: hostChildren('a', 'ALARM'),
      spoke: { ...hostChildren('b', 'OK'), ...raised(event) },
    });
    const p = intakePorts();
    const { alarms } = cloudWatchAlarmPorts.create(cloud.env);

    const result = await runIntake(
      { executionId: 'exec-spoke', state: event },
      { ...p, alarms },
      p.clock,
    );

    expect(result.targets).toEqual([
      {
        id: 'i-0bbbbbbbbbbbbbbb1',
        platform: 'docker',
        instanceId: 'i-0bbbbbbbbbbbbbbb1',
        account: SPOKE.account,
        region: SPOKE.region,
      },
    ]);
    expect(result.trigger).toMatchObject({
      alarmName: 'paramedic-docker-hosts-composite',
      alarmAccount: SPOKE.account,
      alarmRegion: SPOKE.region,
    });
    expect(cloud.reads.every((r) => r.account === SPOKE.account)).toBe(true);
    // NOT OK(paramedic-maintenance-window) is true in ALARM too, so that child is read as well.
    // The forwarded alarm itself first: confirmed in the spoke, through the spoke role.
    expect(cloud.reads.flatMap((r) => r.names)).toEqual([
      'paramedic-docker-hosts-composite',
      'paramedic-docker-disk-child',
      'paramedic-docker-health-child',
      'paramedic-maintenance-window',
    ]);
  });

  it("the hub's own composite alarm still reads its children at the hub", async () => {
    const event = compositeIn(HUB);
    cloud = twoAccountAlarms({
      hub: {
        'paramedic-docker-disk-child': metricAlarm(
          'paramedic-docker-disk-child',
          'ALARM',
          'i-0aaaaaaaaaaaaaaa1',
        ),
        ...raised(event),
      },
      spoke: {},
    });
    const p = intakePorts();
    const { alarms } = cloudWatchAlarmPorts.create(cloud.env);
    const result = await runIntake(
      { executionId: 'exec-hub', state: event },
      { ...p, alarms },
      p.clock,
    );

    expect(result.targets.map((t) => [t.id, t.account])).toEqual([
      ['i-0aaaaaaaaaaaaaaa1', HUB.account],
    ]);
    expect(cloud.reads.every((r) => r.account === HUB.account)).toBe(true);
  });

  it("a child named by another account's ARN is read there through the spoke role, and its target is there; a child by name stays at the composite's", async () => {
    const event = compositeIn(HUB);
    event.detail.configuration.alarmRule = `ALARM(paramedic-docker-disk-child) OR ALARM("arn:aws:cloudwatch:${SPOKE.region}:${SPOKE.account}:alarm:paramedic-docker-health-child")`;
    cloud = twoAccountAlarms({
      hub: { ...hostChildren('a', 'ALARM'), ...raised(event) },
      spoke: hostChildren('b', 'ALARM'),
    });
    const p = intakePorts();
    const { alarms } = cloudWatchAlarmPorts.create(cloud.env);

    const result = await runIntake(
      { executionId: 'exec-cross', state: event },
      { ...p, alarms },
      p.clock,
    );

    expect(cloud.reads).toEqual([
      { ...HUB, names: ['paramedic-docker-hosts-composite'] },
      { ...HUB, names: ['paramedic-docker-disk-child'] },
      { ...SPOKE, names: ['paramedic-docker-health-child'] },
    ]);
    expect(result.targets.map((t) => [t.id, t.account, t.region])).toEqual([
      ['i-0aaaaaaaaaaaaaaa1', HUB.account, HUB.region],
      ['i-0bbbbbbbbbbbbbbb2', SPOKE.account, SPOKE.region],
    ]);
  });

  it('a child named by the ARN of an account without the spoke role is recorded as unresolved; the other children still resolve', async () => {
    const event = compositeIn(HUB);
    event.detail.configuration.alarmRule =
      'ALARM(paramedic-docker-disk-child) OR ALARM(arn:aws:cloudwatch:us-east-2:333333333333:alarm:elsewhere)';
    cloud = twoAccountAlarms({
      hub: {
        'paramedic-docker-disk-child': metricAlarm(
          'paramedic-docker-disk-child',
          'ALARM',
          'i-0aaaaaaaaaaaaaaa1',
        ),
        ...raised(event),
      },
      spoke: {},
    });
    const p = intakePorts();
    const { alarms } = cloudWatchAlarmPorts.create(cloud.env);

    const result = await runIntake(
      { executionId: 'exec-nospoke', state: event },
      { ...p, alarms },
      p.clock,
    );

    expect(result.targets.map((t) => t.id)).toEqual(['i-0aaaaaaaaaaaaaaa1']);
    const [triggered] = await p.audit.execution('exec-nospoke');
    expect(triggered?.data).toMatchObject({
      unresolved: [
        {
          dimensions: {},
          reason: expect.stringMatching(
            /^composite alarm: child alarm elsewhere \(333333333333\/us-east-2\) cannot be read: SpokeRoleError: could not assume arn:aws:iam::333333333333:role\/paramedic-spoke-us-east-2 .*deploy the spoke stack/,
          ),
        },
      ],
    });
  });
});
