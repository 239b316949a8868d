import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import {
  alarmsInRule,
  compositeDimensions,
  MAX_CHILD_ALARMS,
  MAX_COMPOSITE_DEPTH,
} from '../../../lambdas/core/workflow/composite-alarm.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { alarmDedupeKey } from '../../../lambdas/core/workflow/dedupe.js';
import { queryDimensions } from '../../../lambdas/core/workflow/metrics-insights-query.js';
import type { AlarmReading, AlarmStateReader } from '../../../lambdas/core/workflow/ports.js';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { RaisedAlarms } from '../../support/raised-alarms.js';
import { alarmEventTargets } from '../../../lambdas/core/workflow/targets.js';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'alarms', name), 'utf8'));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** CloudWatch as DescribeAlarms would answer, by alarm name (the adapter is tested over the SDK elsewhere). */
const describing = (
  alarms: Record<string, AlarmReading>,
): AlarmStateReader & { reads: string[] } => {
  const reads: string[] = [];
  return {
    reads,
    readAlarm: async (name) => {
      reads.push(name);
      return alarms[name];
    },
    changesToAlarm: async () => [],
  };
};

describe('Metrics Insights alarms: targets from the WHERE equalities', () => {
  it("an alarm on one instance's query names that instance", () => {
    expect(alarmEventTargets(fixture('ec2-metrics-insights-instance.json'))).toEqual([
      { kind: 'instance', instanceId: 'i-0a1b2c3d4e5f60718', platform: 'docker' },
    ]);
  });

  it('a GROUP BY alarm over the fleet names no target, and says so', () => {
    const alarm = normalizeAlarmEvent(fixture('ec2-metrics-insights-group-by.json'));
    expect(alarm.dimensions).toEqual([]);
    expect(alarm.unresolved).toEqual([
      {
        dimensions: {},
        reason: expect.stringMatching(
          /GROUP BY.*names no single target.*: SELECT .*GROUP BY InstanceId/,
        ),
      },
    ]);
  });

  it.each([
    [
      'AND-joined equalities',
      "SELECT AVG(node_cpu_utilization) FROM SCHEMA(ContainerInsights, ClusterName, NodeName) WHERE ClusterName = 'prod' AND NodeName = 'ip-10-0-1-23.ec2.internal' GROUP BY NodeName",
      {
        dimensions: { ClusterName: 'prod', NodeName: 'ip-10-0-1-23.ec2.internal' },
        namespace: 'ContainerInsights',
      },
    ],
    [
      'a quoted namespace in SCHEMA, and one FROM names bare',
      `SELECT MAX(CPUReservation) FROM SCHEMA("AWS/ECS", ClusterName) WHERE ClusterName = 'shop-prod'`,
      { dimensions: { ClusterName: 'shop-prod' }, namespace: 'AWS/ECS' },
    ],
    [
      'a quoted dimension name and a doubled quote',
      "SELECT MAX(x) FROM y WHERE \"AutoScalingGroupName\" = 'web''s'",
      { dimensions: { AutoScalingGroupName: "web's" }, namespace: 'y' },
    ],
    [
      'OR',
      "SELECT MAX(x) FROM y WHERE InstanceId = 'i-0a1b2c3d4e5f60718' OR InstanceId = 'i-0a1b2c3d4e5f60719'",
      { reason: expect.stringContaining('joined by AND') },
    ],
    [
      '!=',
      "SELECT MAX(x) FROM y WHERE InstanceId != 'i-0a1b2c3d4e5f60718'",
      { reason: expect.stringContaining('joined by AND') },
    ],
    [
      'an unterminated quote',
      "SELECT MAX(x) FROM y WHERE InstanceId = 'i-0a1b",
      { reason: expect.stringContaining('unterminated') },
    ],
    [
      'no WHERE',
      'SELECT MAX(x) FROM y',
      { reason: expect.stringContaining('names no single target') },
    ],
  ])('%s', (_what, query, expected) => {
    expect(queryDimensions(query)).toEqual(expected);
  });

  it('reads a hostile query in linear time', () => {
    const hostile = `SELECT MAX(x) FROM y WHERE ${"a = 'b' AND ".repeat(180)}`;
    const start = process.cpuUsage();
    for (let i = 0; i < 200; i++) queryDimensions(hostile);
    expect(process.cpuUsage(start).user / 1000).toBeLessThan(2000);
  });
});

describe('composite alarms: targets from the children the rule waits on in ALARM', () => {
  it('reads the ALARM(...) arguments, and NOT OK(...): quoted names, ARNs where they are; OK(...) and INSUFFICIENT_DATA(...) are not children', () => {
    expect(
      alarmsInRule(
        'ALARM("disk high") OR ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high) AND NOT OK(maint) OR INSUFFICIENT_DATA(y) OR (ALARM( spaced ) AND TRUE)',
      ),
    ).toEqual({
      children: [
        { name: 'disk high' },
        { name: 'cpu-high', location: { account: '123456789012', region: 'eu-west-1' } },
        // NOT OK is true in ALARM too: the child can be what fired the composite.
        { name: 'maint' },
        { name: 'spaced' },
      ],
    });
    expect(
      alarmsInRule(fixture('ec2-docker-hosts-composite.json').detail.configuration.alarmRule),
    ).toEqual({
      children: [
        { name: 'paramedic-docker-disk-child' },
        {
          name: 'paramedic-docker-health-child',
          location: { account: '123456789012', region: 'eu-west-1' },
        },
        { name: 'paramedic-maintenance-window' },
      ],
    });
  });

  it('a child by plain name is where the composite is; by ARN, where the ARN says (the same name in two places is two children)', () => {
    const spoke = { account: '222222222222', region: 'us-east-2' };
    expect(
      alarmsInRule(
        'ALARM(disk) OR ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk") OR ALARM(arn:aws:cloudwatch:us-east-2:222222222222:alarm:disk)',
        spoke,
      ),
    ).toEqual({
      children: [
        { name: 'disk', location: spoke },
        { name: 'disk', location: { account: '123456789012', region: 'us-east-1' } },
      ],
    });
  });

  it.each([
    [
      'an unterminated quote',
      'ALARM("disk-high) OR ALARM(cpu)',
      'unterminated quoted alarm name at character 7',
    ],
    ['a function without its )', 'ALARM(disk-high', "ALARM( without ')' at character 1"],
    ['an unbalanced (', '(ALARM(a) OR ALARM(b)', "1 '(' without ')'"],
    ['an unbalanced )', 'ALARM(a))', "')' without its '(' at character 9"],
    ['a word outside the grammar', 'ALARM(a) OR MY_ALARM(x)', 'unknown word "MY_ALARM"'],
    ['an empty argument', 'ALARM( )', 'ALARM() names no alarm'],
    ['a name with ( unquoted', 'ALARM(a(b))', 'must be quoted'],
    [
      'an ARN of another service',
      'ALARM(arn:aws:sns:us-east-1:123456789012:alarm:x)',
      'is not a CloudWatch alarm ARN',
    ],
    [
      'an ARN with a malformed account',
      'ALARM(arn:aws:cloudwatch:us-east-1:1234:alarm:x)',
      'is not a CloudWatch alarm ARN',
    ],
    ['AT_LEAST without its list', 'AT_LEAST(2, ALARM)', "',' expected after the state"],
    [
      'AT_LEAST with a count of 0',
      'AT_LEAST(0, ALARM, (a, b))',
      'a count or percentage of at least 1',
    ],
    ['AT_LEAST of an unknown state', 'AT_LEAST(1, BROKEN, (a))', 'not "BROKEN"'],
    ['AT_LEAST with an empty list entry', 'AT_LEAST(1, ALARM, (a, ))', 'names no alarm'],
    ['AT_LEAST with an unclosed list', 'AT_LEAST(1, ALARM, ("a", "b"', "',' or ')' expected"],
    [
      'a rule over the length limit',
      `ALARM(${'a'.repeat(10_240)})`,
      'longer than CloudWatch allows',
    ],
  ])('rejects %s with a one-line reason', (_what, rule, reason) => {
    const parsed = alarmsInRule(rule);
    expect(parsed).toEqual({ error: expect.stringContaining(reason) });
    expect((parsed as { error: string }).error).not.toContain('\n');
  });

  it('reads AT_LEAST as CDK writes it: counted ALARM (or NOT OK / NOT INSUFFICIENT_DATA) children are the incident; OK or NOT ALARM ones are not', () => {
    const arn = (name: string) => `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:${name}`;
    expect(
      alarmsInRule(
        `(AT_LEAST(2, ALARM, ("${arn('disk-a')}", "${arn('disk-b')}", "${arn('disk-c')}")) OR ALARM("cpu"))`,
      ),
    ).toEqual({
      children: ['disk-a', 'disk-b', 'disk-c']
        .map((name) => ({
          name,
          location: { account: '111111111111', region: 'eu-west-1' },
        }))
        .concat([{ name: 'cpu' } as never]),
    });
    expect(alarmsInRule('AT_LEAST(60%, NOT OK, (a, "b c"))')).toEqual({
      children: [{ name: 'a' }, { name: 'b c' }],
    });
    expect(alarmsInRule('AT_LEAST(1, NOT INSUFFICIENT_DATA, (a))')).toEqual({
      children: [{ name: 'a' }],
    });
    expect(alarmsInRule('AT_LEAST(1, OK, (a, b)) AND ALARM(c)')).toEqual({
      children: [{ name: 'c' }],
    });
    expect(alarmsInRule('AT_LEAST(1, NOT ALARM, (a, b)) AND ALARM(c)')).toEqual({
      children: [{ name: 'c' }],
    });
  });

  it('reads NOT as CloudWatch does: NOT ALARM(x) suppresses (x is not the incident), NOT OK(x) is AT_LEAST(1, NOT OK, (x)), NOT over a group flips it', () => {
    expect(alarmsInRule('ALARM(cpu-high) AND NOT ALARM(deploying)')).toEqual({
      children: [{ name: 'cpu-high' }],
    });
    expect(alarmsInRule('AT_LEAST(1, NOT OK, (disk-high))')).toEqual({
      children: [{ name: 'disk-high' }],
    });
    expect(alarmsInRule('NOT OK(disk-high)')).toEqual({ children: [{ name: 'disk-high' }] });
    expect(alarmsInRule('ALARM(a) AND NOT (ALARM(b) OR ALARM(c))')).toEqual({
      children: [{ name: 'a' }],
    });
    expect(alarmsInRule('NOT NOT ALARM(a) AND NOT (NOT ALARM(b))')).toEqual({
      children: [{ name: 'a' }, { name: 'b' }],
    });
    expect(alarmsInRule('NOT AT_LEAST(1, ALARM, (a, b)) OR ALARM(c)')).toEqual({
      children: [{ name: 'c' }],
    });
    expect(alarmsInRule('NOT TRUE OR ALARM(c)')).toEqual({ children: [{ name: 'c' }] });
  });

  it('reads a hostile rule in linear time', () => {
    const hostile = [
      `${'ALARM('.repeat(1700)})`,
      `${'('.repeat(10_000)}`,
      `ALARM("${'a'.repeat(10_000)}`,
      `${'ALARM(a) OR '.repeat(850)}ALARM(b)`,
      `ALARM(${'x'.repeat(10_000)}`,
      `AT_LEAST(1, ALARM, (${'a, '.repeat(3_000)}`,
      `${'NOT ('.repeat(2_000)}ALARM(a)`,
      `AT_LEAST(1, ALARM, (${'"a", '.repeat(2_000)}`,
    ];
    const start = process.cpuUsage();
    for (let i = 0; i < 200; i++) for (const rule of hostile) alarmsInRule(rule);
    expect(process.cpuUsage(start).user / 1000).toBeLessThan(2000);
  });

  it('records a rule it cannot read as unresolved, reading no child', async () => {
    const alarms = describing({
      a: { state: 'ALARM', dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb1' }] },
    });
    expect(await compositeDimensions('ALARM(a) OR ALARM("b', alarms, awsErrorWording)).toEqual({
      dimensions: [],
      unresolved: [
        {
          dimensions: {},
          reason:
            'composite alarm: its rule cannot be read: unterminated quoted alarm name at character 19; name the target by hand (paramedic run --target)',
        },
      ],
    });
    expect(alarms.reads).toEqual([]);
  });

  it('takes the dimensions of the children in ALARM', async () => {
    const alarms = describing({
      a: { state: 'ALARM', dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb1' }] },
      b: { state: 'OK', dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb2' }] },
    });
    expect(await compositeDimensions('ALARM(a) OR ALARM(b)', alarms, awsErrorWording)).toEqual({
      dimensions: [{ dimensions: { InstanceId: 'i-0bbbbbbbbbbbbbbb1' } }],
      unresolved: [],
    });
  });

  it('follows nested composites to a bounded depth, says which child is missing and stops at the child limit', async () => {
    const leaf = { state: 'ALARM', dimensions: [{ InstanceId: 'i-0ccccccccccccccc1' }] };
    expect(MAX_COMPOSITE_DEPTH).toBe(3);
    // Three levels (two composites, then the metric alarm) are followed.
    expect(
      (
        await compositeDimensions(
          'ALARM(top)',
          describing({
            top: { state: 'ALARM', alarmRule: 'ALARM(mid)' },
            mid: { state: 'ALARM', alarmRule: 'ALARM(leaf)' },
            leaf,
          }),
          awsErrorWording,
        )
      ).dimensions,
    ).toEqual([{ dimensions: leaf.dimensions[0] }]);
    // A fourth is not.
    const deep = await compositeDimensions(
      'ALARM(top)',
      describing({
        top: { state: 'ALARM', alarmRule: 'ALARM(mid)' },
        mid: { state: 'ALARM', alarmRule: 'ALARM(low)' },
        low: { state: 'ALARM', alarmRule: 'ALARM(leaf)' },
        leaf,
      }),
      awsErrorWording,
    );
    expect(deep.dimensions).toEqual([]);
    expect(deep.unresolved).toEqual([
      { dimensions: {}, reason: expect.stringContaining('low nests composites deeper than 3') },
    ]);
    expect(await compositeDimensions('ALARM(gone)', describing({}), awsErrorWording)).toEqual({
      dimensions: [],
      unresolved: [{ dimensions: {}, reason: 'composite alarm: child alarm gone does not exist' }],
    });
    const many = describing({});
    const wide = await compositeDimensions(
      Array.from({ length: 50 }, (_, i) => `ALARM(c${i})`).join(' OR '),
      many,
      awsErrorWording,
    );
    expect(many.reads).toHaveLength(MAX_CHILD_ALARMS);
    expect(
      wide.unresolved.filter((u) =>
        u.reason.includes(
          `more than ${MAX_CHILD_ALARMS} child alarms; c20 and the rest were not read`,
        ),
      ),
    ).toHaveLength(1);
  });

  it('without CloudWatch access (a local run) the rule is recorded as unresolved, not guessed', async () => {
    expect(await compositeDimensions('ALARM(a)', undefined, awsErrorWording)).toEqual({
      dimensions: [],
      unresolved: [{ dimensions: {}, reason: expect.stringContaining('cannot be read here') }],
    });
  });
});

describe('Intake with composite and suppressed alarms', () => {
  const ports = () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-alarm-kinds-'));
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

  it('a composite alarm targets its children in ALARM through the alarms port', async () => {
    const p = ports();
    const alarms = describing({
      'paramedic-docker-disk-child': {
        state: 'ALARM',
        dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb1' }],
      },
      'paramedic-docker-health-child': {
        state: 'OK',
        dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb2' }],
      },
    });
    const event = fixture('ec2-docker-hosts-composite.json');
    const result = await runIntake(
      { executionId: 'exec-c', state: event },
      { ...p, alarms: new RaisedAlarms(alarms).raise(event) },
      p.clock,
    );
    expect(result.targets.map((t) => t.id)).toEqual(['i-0bbbbbbbbbbbbbbb1']);
    const [triggered] = await p.audit.execution('exec-c');
    expect(triggered).toMatchObject({
      type: 'triggered',
      data: { dimensions: [{ InstanceId: 'i-0bbbbbbbbbbbbbbb1' }] },
    });
  });

  it('a suppressed composite alarm is recorded as skipped and stops, without claiming the alarm', async () => {
    const p = ports();
    const event = fixture('ec2-docker-hosts-composite-suppressed.json');
    const alarms = describing({});
    const result = await runIntake(
      { executionId: 'exec-s', state: event },
      { ...p, alarms: new RaisedAlarms(alarms).raise(event) },
      p.clock,
    );
    expect(result).toMatchObject({ duplicate: true, targets: [] });
    // The alarm itself is confirmed; none of its children is read.
    expect(alarms.reads).toEqual(['paramedic-docker-hosts-composite']);
    const trail = await p.audit.execution('exec-s');
    expect(trail).toEqual([
      expect.objectContaining({
        type: 'triggered',
        outcome: 'skipped',
        data: expect.objectContaining({
          suppressed: 'WaitPeriod',
          summary: expect.stringContaining('actions suppressed (WaitPeriod)'),
        }),
      }),
    ]);
    expect(await p.state.get(alarmDedupeKey(normalizeAlarmEvent(event)))).toBeUndefined();
  });
});
