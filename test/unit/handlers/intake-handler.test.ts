import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  acceptAllEvents,
  coldStart,
  deployedEnvironment,
  EVENT_BUS,
  eventBridge,
  event,
  lambdaContext,
  LocalDynamo,
  setEnvironment,
  type LambdaHandler,
} from './lambda-harness.js';

const autoscaling = mockClient(AutoScalingClient);
/**
 * CloudWatch (no local server exists) has the alarms of the intake-alarm-* events on record: in ALARM
 * since the event, watching its metric, so Intake confirms them (core/workflow/alarm-confirmation.ts).
 */
const cloudwatch = mockClient(CloudWatchClient);
const EVENTS = join(REPO_ROOT, 'test', 'fixtures', 'events');
const onRecord = readdirSync(EVENTS)
  .filter((f) => f.startsWith('intake-alarm-'))
  .map((f) => JSON.parse(readFileSync(join(EVENTS, f), 'utf8')))
  .map((doc) => ('executionId' in doc ? doc.state : doc))
  // The broken events (no detail, no alarm name) are refused before CloudWatch is asked.
  .filter((e) => typeof e.detail?.alarmName === 'string')
  .map((e) => ({
    AlarmName: e.detail.alarmName as string,
    StateValue: 'ALARM' as const,
    StateTransitionedTimestamp: new Date(e.detail.state.timestamp ?? e.time),
    Metrics: e.detail.configuration.metrics.map((m: any) => ({
      Id: m.id,
      MetricStat: {
        Metric: {
          Namespace: m.metricStat.metric.namespace,
          MetricName: m.metricStat.metric.name,
          Dimensions: Object.entries(m.metricStat.metric.dimensions).map(([Name, Value]) => ({
            Name,
            Value: Value as string,
          })),
        },
      },
    })),
  }));
const dynamo = new LocalDynamo();
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void;
let handler: LambdaHandler;
const context = lambdaContext('paramedic-Intake');

beforeAll(() => dynamo.start());
afterAll(() => dynamo.stop());
beforeEach(async () => {
  autoscaling.reset();
  cloudwatch.reset();
  cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input) => ({
    MetricAlarms: onRecord.filter((a) => (input.AlarmNames ?? []).includes(a.AlarmName)),
  }));
  acceptAllEvents();
  tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables));
  handler = await coldStart('intake.ts');
});
afterEach(() => restore());

/** What IAM authenticated for an execution of account 123456789012 (adapters/stepfunctions/start-execution-identity.ts). */
const AWS_ACTOR = 'iam:123456789012:StartExecution';

describe('intake handler: manual runs', () => {
  it('accepts a console start and records who triggered it in the audit trail', async () => {
    // Prepare
    const input = event('intake-manual-dry-run');

    // Act
    const result = await handler(input, context);

    // Assess
    expect(result).toMatchObject({
      mode: 'dry-run',
      duplicate: false,
      runbookId: 'disk-full',
      targets: [
        { id: 'i-0a1b2c3d4e5f60718', platform: 'docker', instanceId: 'i-0a1b2c3d4e5f60718' },
      ],
      trigger: { kind: 'manual', actor: AWS_ACTOR, requestedBy: 'alice@example.com' },
    });
    const [entry] = await dynamo.auditEntries(tables.audit);
    expect(entry).toMatchObject({
      type: 'triggered',
      actor: AWS_ACTOR,
      runbookId: 'disk-full',
      target: 'i-0a1b2c3d4e5f60718',
    });
  });

  it('a forged invokedBy is recorded as a claim beside the authenticated actor, never as the actor', async () => {
    const input = {
      ...event('intake-manual-dry-run'),
      executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:forged',
    } as { state: Record<string, unknown> };
    input.state = { ...input.state, invokedBy: 'security-admin' };

    const result = (await handler(input, context)) as {
      trigger: { actor: string; requestedBy: string };
    };

    expect(result.trigger).toMatchObject({ actor: AWS_ACTOR, requestedBy: 'security-admin' });
    const entries = await dynamo.auditEntries(tables.audit);
    const forged = entries.find(
      (e) => e.executionId === 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:forged',
    );
    expect(forged).toMatchObject({ actor: AWS_ACTOR });
    expect(JSON.stringify(entries.map((e) => e.actor))).not.toContain('security-admin');
  });

  it('publishes "started" on the bus CDK named, with the real event schema', async () => {
    await handler(event('intake-manual-dry-run'), context);

    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: EVENT_BUS,
      Source: 'paramedic',
      DetailType: 'Paramedic Execution Status Change',
    });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({
      schemaVersion: 1,
      status: 'started',
      trigger: 'manual',
      mode: 'dry-run',
      runbookId: 'disk-full',
      targets: ['i-0a1b2c3d4e5f60718'],
      targetCount: 1,
    });
  });

  it('a refused PutEvents is recorded on the trail and the intake still succeeds', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        {
          ErrorCode: 'AccessDeniedException',
          ErrorMessage: 'not authorized to perform events:PutEvents',
        },
      ],
    });

    const result = await handler(event('intake-manual-dry-run'), context);

    expect(result).toMatchObject({ duplicate: false });
    expect((await dynamo.auditEntries(tables.audit)).map((e: any) => e.type)).toEqual([
      'triggered',
      'event-unpublished',
    ]);
  });

  it.each([
    ['intake-manual-bad-mode', /field "mode": must be "dry-run".*or "execute"; got "yolo"/],
    [
      'intake-manual-unknown-runbook',
      /field "runbookId": no runbook "disk-ful"; known: .*disk-full/,
    ],
    ['intake-manual-shell-target', /field "target"/],
  ])('rejects %s with a ManualInputError naming the field', async (fixture, message) => {
    const failure = handler(event(fixture), context);

    await expect(failure).rejects.toMatchObject({
      name: 'ManualInputError',
      message: expect.stringMatching(message),
    });
    expect(await dynamo.auditEntries(tables.audit)).toEqual([]);
  });

  it('rejects a payload that did not come from the state machine (no executionId)', async () => {
    await expect(handler(event('task-input-without-execution-id'), context)).rejects.toMatchObject({
      name: 'TaskInputError',
      message: expect.stringContaining('Intake: missing executionId'),
    });
  });
});

describe('intake handler: alarm events', () => {
  it('normalizes an instance alarm into one docker target', async () => {
    const result = await handler(event('intake-alarm-instance'), context);

    expect(result).toMatchObject({
      mode: 'alarm',
      duplicate: false,
      targets: [{ id: 'i-0a1b2c3d4e5f60718', platform: 'docker' }],
      trigger: {
        kind: 'alarm',
        alarmName: 'paramedic-docker-host-disk-used',
        actor: 'alarm:paramedic-docker-host-disk-used',
      },
    });
    expect(autoscaling.calls()).toHaveLength(0);
  });

  it('expands an Auto Scaling group alarm through DescribeAutoScalingGroups', async () => {
    autoscaling
      .on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['web-fleet'] })
      .resolves({
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'web-fleet',
            MinSize: 2,
            MaxSize: 2,
            DesiredCapacity: 2,
            DefaultCooldown: 300,
            AvailabilityZones: ['eu-west-1a'],
            HealthCheckType: 'EC2',
            CreatedTime: new Date(),
            Instances: [
              {
                InstanceId: 'i-0000000000000000a',
                LifecycleState: 'InService',
                AvailabilityZone: 'eu-west-1a',
                HealthStatus: 'Healthy',
                ProtectedFromScaleIn: false,
              },
              {
                InstanceId: 'i-0000000000000000b',
                LifecycleState: 'InService',
                AvailabilityZone: 'eu-west-1a',
                HealthStatus: 'Healthy',
                ProtectedFromScaleIn: false,
              },
            ],
          },
        ],
      });

    const result = (await handler(event('intake-alarm-auto-scaling-group'), context)) as {
      targets: { id: string }[];
    };

    expect(result.targets.map((t) => t.id)).toEqual(['i-0000000000000000a', 'i-0000000000000000b']);
  });

  it('marks a redelivered event (same event id, another execution) as a duplicate', async () => {
    const first = event<{ executionId: string }>('intake-alarm-instance');
    const redelivery = { ...first, executionId: `${first.executionId}-redelivered` };

    await handler(first, context);
    const again = await handler(first, context);
    const duplicate = await handler(redelivery, context);

    expect(again).toMatchObject({ duplicate: false });
    expect(duplicate).toMatchObject({ duplicate: true });
    expect((await dynamo.auditEntries(tables.audit)).map((e) => e.type)).toEqual([
      'triggered',
      'triggered',
      'deduplicated',
    ]);
  });

  it('rejects an alarm event without detail.alarmName with an AlarmEventError', async () => {
    await expect(handler(event('intake-alarm-missing-alarm-name'), context)).rejects.toMatchObject({
      name: 'AlarmEventError',
      message: expect.stringContaining('detail.alarmName'),
    });
  });

  it('rejects an EventBridge envelope whose detail is not an object as an alarm error, not a manual-input one', async () => {
    await expect(
      handler(event('intake-alarm-detail-not-an-object'), context),
    ).rejects.toMatchObject({
      name: 'AlarmEventError',
      message: expect.stringContaining('CloudWatch Alarm State Change'),
    });
  });
});
