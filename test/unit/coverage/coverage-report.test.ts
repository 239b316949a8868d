import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmEventPattern } from '../../../cdk/constructs/alarm-intake.js';
import {
  coverageReport,
  type CoverageInput,
} from '../../../lambdas/core/coverage/coverage-report.js';
import {
  alarmDefinitions,
  DescribeAlarmsFormatError,
  metricAlarmDefinition,
} from '../../../lambdas/core/coverage/described-alarm.js';
import { alarmReach } from '../../../lambdas/core/coverage/alarm-reach.js';
import { globMatches, runbooksExplaining } from '../../../lambdas/core/coverage/metric-patterns.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import { alarmMatchesIntake } from '../../../lambdas/core/workflow/intake-filter.js';
import {
  REPO_ROOT,
  loadRunbookDirectory,
} from '../../../lambdas/adapters/local/runbook-directory.js';

const FIXTURE = join(
  REPO_ROOT,
  'test',
  'fixtures',
  'cloudwatch',
  'describe-alarms-mixed-coverage.json',
);
const { runbooks } = loadRunbookDirectory();
const input = (overrides: Partial<CoverageInput> = {}): CoverageInput => ({
  alarms: alarmDefinitions(JSON.parse(readFileSync(FIXTURE, 'utf8'))),
  filter: { alarmNamePrefixes: ['paramedic-'] },
  eksClusters: ['shop-prod'],
  runbooks,
  failureClasses: runbooks.map((r) => r.id),
  caseLabels: runbooks.map((r) => r.id),
  ...overrides,
});
const names = (alarms: readonly { alarmName: string }[]) => alarms.map((a) => a.alarmName).sort();

const report = await coverageReport(input());
const judged = (name: string) => report.alarms.find((a) => a.alarmName === name)!;

describe('coverage of a DescribeAlarms output (covered and uncovered alarms of each kind)', () => {
  it('judges only the alarms of the intake filter', () => {
    expect(report.alarmsRead).toBe(16);
    expect(report.alarms.map((a) => a.alarmName)).not.toContain('team-billing-cpu-high');
    expect(report.alarms).toHaveLength(15);
  });

  it('resolves instance, Auto Scaling group, EKS node and metric-math alarms through the one target grammar', () => {
    const targets = Object.fromEntries(report.alarms.map((a) => [a.alarmName, a.targets]));
    expect(targets['paramedic-docker-host-disk-used-i-0a1b2c3d4e5f60718']).toEqual([
      'i-0a1b2c3d4e5f60718',
    ]);
    expect(targets['paramedic-web-fleet-memory']).toEqual(['asg:web-fleet']);
    expect(targets['paramedic-shop-prod-node-not-ready']).toEqual([
      'eks:shop-prod/ip-10-0-1-23.eu-west-1.compute.internal',
    ]);
    expect(targets['paramedic-fleet-disk-max']).toEqual(['i-0b2c3d4e5f6071829']);
    expect(
      report.alarms.find((a) => a.alarmName === 'paramedic-shop-web-restarts')?.atAlarmTime,
    ).toEqual(['pods shop/web on cluster shop-prod']);
  });

  it('lists the alarms that reach no target, each with why', () => {
    expect(names(report.noTarget)).toEqual([
      'paramedic-fleet-cpu-insights',
      'paramedic-orders-degraded',
      'paramedic-orders-ecs-cpu-insights',
      'paramedic-orders-lambda-errors',
      'paramedic-shop-alb-unhealthy-targets',
      'paramedic-staging-api-restarts',
    ]);
    const why = Object.fromEntries(
      report.noTarget.map((a) => [a.alarmName, a.targetProblems.join(' ')]),
    );
    expect(why['paramedic-staging-api-restarts']).toMatch(/staging is not in eksClusters/);
    expect(why['paramedic-shop-alb-unhealthy-targets']).toMatch(
      /LoadBalancer, TargetGroup name no instance/,
    );
    // Intake's own reason for a query without WHERE, with the query.
    expect(why['paramedic-fleet-cpu-insights']).toMatch(
      /^a Metrics Insights query with no WHERE Dimension = 'value' names no single target.*: SELECT MAX\(CPUUtilization\) FROM SCHEMA/,
    );
  });

  it('a Metrics Insights alarm reaches what its WHERE pins, as Intake resolves the query', () => {
    expect(judged('paramedic-build-host-cpu-insights')).toMatchObject({
      targets: ['i-0d4e5f60718293a4b'],
      targetProblems: [],
      notReached: [],
    });
  });

  it('a Metrics Insights query FROM an ECS schema names an ECS cluster, even one sharing a configured EKS name', () => {
    expect(input().eksClusters).toContain('shop-prod');
    expect(judged('paramedic-orders-ecs-cpu-insights')).toMatchObject({
      targets: [],
      atAlarmTime: [],
      targetProblems: [
        'AWS/ECS names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods',
      ],
    });
  });

  it("a composite alarm reaches its children's targets, each when that child is in ALARM as it fires", () => {
    expect(judged('paramedic-shop-degraded')).toMatchObject({
      targets: [],
      atAlarmTime: [
        'pods shop/web on cluster shop-prod when child alarm paramedic-shop-web-restarts is in ALARM as paramedic-shop-degraded fires',
      ],
      targetProblems: [],
      notReached: [
        expect.stringMatching(
          /^child alarm paramedic-shop-alb-unhealthy-targets: dimensions LoadBalancer, TargetGroup name no instance/,
        ),
      ],
      children: ['paramedic-shop-web-restarts'],
    });
    // A child named by ARN is found in the listing; one outside the intake filter is read all the same.
    expect(judged('paramedic-build-degraded')).toMatchObject({
      atAlarmTime: [
        'i-0123456789abcdef0 when child alarm paramedic-build-host-cpu is in ALARM as paramedic-build-degraded fires',
        'i-0c3d4e5f607182930 when child alarm team-billing-cpu-high is in ALARM as paramedic-build-degraded fires (team-billing-cpu-high alone starts no run: outside the intake filter)',
      ],
      targetProblems: [],
      notReached: [],
      children: ['paramedic-build-host-cpu', 'team-billing-cpu-high'],
    });
  });

  it('a composite alarm whose child is not in the listing says so, beside what its other children name', () => {
    expect(judged('paramedic-orders-degraded')).toMatchObject({
      atAlarmTime: [],
      children: [],
      targetProblems: [
        expect.stringMatching(
          /^child alarm paramedic-orders-lambda-errors: dimensions FunctionName name no instance/,
        ),
        'child alarm paramedic-orders-db-cpu is not in this DescribeAlarms listing: when the composite fires, Intake reaches nothing through it unless it exists then; if it exists, list every alarm (aws cloudwatch describe-alarms without a name filter)',
      ],
    });
  });

  it('a pod alarm of a cluster Paramedic may read is covered; of another cluster it is not', async () => {
    const none = await coverageReport(input({ eksClusters: [] }));
    expect(names(none.noTarget)).toContain('paramedic-shop-web-restarts');
  });

  it('lists the metric alarms whose metric no runbook explains (composite alarms have no metric of their own)', () => {
    expect(names(report.noRunbook)).toEqual([
      'paramedic-build-host-cpu',
      'paramedic-build-host-cpu-insights',
      'paramedic-fleet-cpu-insights',
      'paramedic-orders-ecs-cpu-insights',
      'paramedic-orders-lambda-errors',
    ]);
    const by = Object.fromEntries(report.alarms.map((a) => [a.alarmName, a.explainedBy]));
    expect(by['paramedic-docker-host-disk-used-i-0a1b2c3d4e5f60718']).toEqual(['disk-full']);
    expect(by['paramedic-shop-alb-unhealthy-targets']).toEqual(['port-not-listening']);
    expect(by['paramedic-shop-web-restarts']).toContain('oom-killed');
  });

  it('lists failure classes without a labelled case (negatives count for none)', async () => {
    const partial = await coverageReport(
      input({ caseLabels: ['disk-full', 'disk-full', null, 'oom-killed'] }),
    );
    expect(partial.classes.find((c) => c.failureClass === 'disk-full')?.cases).toBe(2);
    expect(partial.untested).toHaveLength(runbooks.length - 2);
    expect(partial.untested).not.toContain('oom-killed');
    expect(report.untested).toEqual([]);
  });

  it('is covered only when nothing is uncovered', async () => {
    expect(report.covered).toBe(false);
    const covered = await coverageReport(
      input({
        alarms: input().alarms.filter((a) =>
          ['paramedic-web-fleet-memory', 'paramedic-fleet-disk-max'].includes(a.alarmName),
        ),
      }),
    );
    expect(covered).toMatchObject({ covered: true, noTarget: [], noRunbook: [], untested: [] });
  });
});

describe('a cluster-level alarm (ClusterName only, as cluster_failed_node_count)', () => {
  const failedNodes = metricAlarmDefinition({
    AlarmName: 'paramedic-shop-prod-failed-nodes',
    Namespace: 'ContainerInsights',
    MetricName: 'cluster_failed_node_count',
    Dimensions: [{ Name: 'ClusterName', Value: 'shop-prod' }],
  });

  it("reaches a configured cluster's failing nodes at alarm time", async () => {
    expect(await alarmReach(failedNodes, ['shop-prod'])).toEqual({
      targets: [],
      atAlarmTime: ['failing nodes of cluster shop-prod'],
      problems: [],
      notReached: [],
    });
  });

  it('an ECS cluster alarm (ClusterName only, another namespace) is not told to join eksClusters', async () => {
    const ecs = metricAlarmDefinition({
      AlarmName: 'orders-cpu-reservation',
      Namespace: 'AWS/ECS',
      MetricName: 'CPUReservation',
      Dimensions: [{ Name: 'ClusterName', Value: 'shop-prod' }],
    });
    const reason =
      'AWS/ECS names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods';
    expect((await alarmReach(ecs, [])).problems).toEqual([reason]);
    // An EKS cluster of the same name is configured: the ECS alarm still reaches no EKS node.
    expect(await alarmReach(ecs, ['shop-prod'])).toEqual({
      targets: [],
      atAlarmTime: [],
      problems: [reason],
      notReached: [reason],
    });
  });

  it("an AWS/EKS alarm (the control plane's metric of the cluster alone) names no node, whatever eksClusters says", async () => {
    const controlPlane = metricAlarmDefinition({
      AlarmName: 'paramedic-shop-prod-apiserver-5xx',
      Namespace: 'AWS/EKS',
      MetricName: 'apiserver_request_total_5XX',
      Dimensions: [{ Name: 'ClusterName', Value: 'shop-prod' }],
    });
    for (const configured of [['shop-prod'], []]) {
      const reach = await alarmReach(controlPlane, configured);
      expect(reach.atAlarmTime).toEqual([]);
      expect(reach.problems).toEqual([
        expect.stringMatching(
          /^AWS\/EKS is the control plane of cluster shop-prod \(API server, etcd, scheduler\): its alarm names no node or pod, so no node is a target; /,
        ),
      ]);
    }
  });

  it('reaches nothing on a cluster that is not configured, and says what to configure', async () => {
    expect((await alarmReach(failedNodes, [])).problems).toEqual([
      'a cluster-level alarm reaches the failing nodes of shop-prod only when shop-prod is in eksClusters',
    ]);
  });
});

describe('a DescribeAlarms metric alarm has the dimensions its alarm event would carry', () => {
  it('the same dimension maps as normalizeAlarmEvent reads from the event of that alarm', () => {
    const event = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'test', 'fixtures', 'alarms', 'ec2-docker-host-disk-used.json'),
        'utf8',
      ),
    );
    const metric = event.detail.configuration.metrics[0].metricStat.metric;
    const described = metricAlarmDefinition({
      AlarmName: event.detail.alarmName,
      Namespace: metric.namespace,
      MetricName: metric.name,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({
        Name,
        Value: String(Value),
      })),
    });
    expect(described.dimensions).toEqual(normalizeAlarmEvent(event).dimensions);
  });

  it('refuses a document that is not a DescribeAlarms output', () => {
    expect(() => alarmDefinitions({ Alarms: [] })).toThrow(DescribeAlarmsFormatError);
    expect(() => alarmDefinitions([])).toThrow(/aws cloudwatch describe-alarms/);
  });
});

describe('the intake filter is one description shared with CDK', () => {
  it('the EventBridge pattern carries exactly the prefixes the predicate tests', () => {
    const prefixes = ['prod-', 'paramedic-'];
    const pattern = alarmEventPattern(prefixes) as {
      detail: { alarmName: { prefix: string }[]; state: { value: string[] } };
    };
    expect(pattern.detail.alarmName.map((p) => p.prefix)).toEqual(prefixes);
    expect(pattern.detail.state.value).toEqual(['ALARM']);
    for (const name of ['prod-disk', 'paramedic-x', 'Prod-disk', 'staging-prod-disk']) {
      expect(alarmMatchesIntake(name, { alarmNamePrefixes: prefixes })).toBe(
        pattern.detail.alarmName.some((p) => name.startsWith(p.prefix)),
      );
    }
    expect(alarmMatchesIntake('Prod-disk', { alarmNamePrefixes: prefixes })).toBe(false);
  });
});

describe('metric patterns', () => {
  it.each([
    ['disk_*', 'disk_used_percent', true],
    ['disk_*', 'diskio_io_time', false],
    ['*memory_utilization*', 'pod_memory_utilization_over_pod_limit', true],
    ['node_*_reserved_capacity', 'node_cpu_reserved_capacity', true],
    ['node_*_reserved_capacity', 'node_cpu_utilization', false],
    ['StatusCheckFailed*', 'StatusCheckFailed', true],
    ['a*a', 'a', false],
    ['EBSIOBalance%', 'EBSIOBalance%', true],
    ['x', 'X', false],
  ])('%s matches %s: %s', (pattern, text, expected) =>
    expect(globMatches(pattern, text)).toBe(expected),
  );

  it('costs linear time on a hostile metric name', () => {
    const started = process.cpuUsage();
    expect(globMatches('*a*a*a*a*a*b', 'a'.repeat(100_000))).toBe(false);
    const cpu = process.cpuUsage(started);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(500);
  });

  it('an EKS control-plane metric is explained by control-plane-unavailable alone, a Lambda metric by none', () => {
    expect(
      runbooksExplaining({ namespace: 'AWS/EKS', name: 'apiserver_request_total_5XX' }, runbooks),
    ).toEqual(['control-plane-unavailable']);
    expect(runbooksExplaining({ namespace: 'AWS/Lambda', name: 'Errors' }, runbooks)).toEqual([]);
  });
});
