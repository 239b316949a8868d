/**
 * A composite alarm in `paramedic coverage`: its children are read from the DescribeAlarms listing
 * by Intake's own composite resolution, so coverage says what Intake would record when it fires.
 */
import { describe, expect, it } from 'vitest';
import { alarmReach } from '../../../lambdas/core/coverage/alarm-reach.js';
import { alarmDefinitions } from '../../../lambdas/core/coverage/described-alarm.js';
import { ListedAlarmReader } from '../../../lambdas/core/coverage/listed-alarm-reader.js';
import { MAX_COMPOSITE_DEPTH } from '../../../lambdas/core/workflow/composite-alarm.js';

const arn = (name: string, region = 'eu-west-1') =>
  `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
const metric = (name: string, Namespace: string, dims: Record<string, string>) => ({
  AlarmName: name,
  AlarmArn: arn(name),
  StateValue: 'OK',
  Namespace,
  MetricName: 'm',
  Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
});
const composite = (name: string, AlarmRule: string) => ({
  AlarmName: name,
  AlarmArn: arn(name),
  StateValue: 'OK',
  AlarmRule,
});
const listing = alarmDefinitions({
  MetricAlarms: [
    metric('host-cpu', 'AWS/EC2', { InstanceId: 'i-0123456789abcdef0' }),
    metric('ecs-cpu', 'AWS/ECS', { ClusterName: 'shop-prod' }),
  ],
  CompositeAlarms: [
    composite('inner', 'ALARM(host-cpu)'),
    composite('outer', 'ALARM(inner) AND ALARM(ecs-cpu)'),
    composite('level-2', 'ALARM(outer)'),
    composite('level-3', 'ALARM(level-2)'),
    composite('elsewhere', `ALARM(host-cpu) OR ALARM(${arn('host-cpu', 'us-east-2')})`),
  ],
});
const reach = (name: string) =>
  alarmReach(listing.find((a) => a.alarmName === name)!, ['shop-prod'], listing);

describe('a composite alarm in coverage', () => {
  it('follows a nested composite to its metric children, and states a child of another service', async () => {
    expect(await reach('outer')).toEqual({
      targets: [],
      atAlarmTime: ['i-0123456789abcdef0 when child alarm host-cpu is in ALARM as outer fires'],
      problems: [],
      // The reader leaves an ECS set out of a child's reading, so Intake records the child as naming nothing.
      notReached: [
        'composite alarm: child alarm ecs-cpu (123456789012/eu-west-1): AWS/ECS names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods',
      ],
      children: ['host-cpu'],
    });
  });

  it(`states composites nested deeper than ${MAX_COMPOSITE_DEPTH} levels, as Intake records them`, async () => {
    // level-3 → level-2 → outer → inner: inner is the third level, a composite, so not followed.
    expect((await reach('level-3')).problems).toEqual([
      'composite alarm: inner (123456789012/eu-west-1) nests composites deeper than 3 levels; not followed',
      'composite alarm: child alarm ecs-cpu (123456789012/eu-west-1): AWS/ECS names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods',
    ]);
  });

  it('states a child in another region than the listing, beside the one it reaches', async () => {
    const r = await reach('elsewhere');
    expect(r.atAlarmTime).toEqual([
      'i-0123456789abcdef0 when child alarm host-cpu is in ALARM as elsewhere fires',
    ]);
    expect(r.notReached).toEqual([
      'composite alarm: child alarm host-cpu (123456789012/us-east-2) cannot be read: 123456789012/us-east-2 is not the account and region of this listing; Intake reads it there when the composite fires; name the target by hand (paramedic run --target)',
    ]);
  });

  it('reads every child as in ALARM: which will be is known only when the composite fires', async () => {
    const reader = new ListedAlarmReader(listing);
    expect(await reader.readAlarm('host-cpu')).toEqual({
      state: 'ALARM',
      dimensions: [{ InstanceId: 'i-0123456789abcdef0' }],
    });
    expect(await reader.readAlarm('inner')).toEqual({
      state: 'ALARM',
      alarmRule: 'ALARM(host-cpu)',
    });
    expect(await reader.readAlarm('gone')).toBeUndefined();
  });
});
