/**
 * Drift tests: every way in resolves a target string, and every alarm fixture, to the same targets
 * (a composite alarm's children are read through CloudWatch: the Intake Lambda resolves them, a
 * machine without AWS records them as unresolved).
 * The ways in: the CLI (`run --target`, `triage --alarm`), the console API (POST /api/runs), the
 * Intake Lambda (its deployed entry point on dynalite) and the local runner (the synthesized state
 * machine over the local adapters).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../lambdas/adapters/cloudwatch/cloudwatch-alarm-reader.js';
import { awsErrorWording } from '../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { normalizeAlarmEvent } from '../../lambdas/core/workflow/alarm-event.js';
import { compositeDimensions } from '../../lambdas/core/workflow/composite-alarm.js';
import { Command } from 'commander';
import { registerRunCommand } from '../../cli/commands/run.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import type { AuditEntryOf } from '../../lambdas/core/audit/audit-entry.js';
import {
  alarmEventTargets,
  expandTargets,
  parseTarget,
  resolveAlarmTargets,
} from '../../lambdas/core/workflow/targets.js';
import { loadRulebook, REPO_ROOT } from '../../lambdas/adapters/local/runbook-directory.js';
import type { CommandRunner } from '../../lambdas/core/workflow/ports.js';
import { triageAlarm } from '../../lambdas/local/triage.js';
import {
  coldStart,
  deployedEnvironment,
  lambdaContext,
  LocalDynamo,
  setEnvironment,
} from '../unit/handlers/lambda-harness.js';

const rulebook = loadRulebook();
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'paramedic-drift-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Target strings, good and bad, as an operator would type them. */
const TARGETS = [
  'local',
  'i-0123456789abcdef0',
  'i-0a1b2c3d',
  'asg:web-fleet',
  'eks:prod/ip-10-0-1-23.ec2.internal',
  'ip-10-0-1-23.ec2.internal',
  'ip-10-0-1-23.eu-west-1.compute.internal',
  'Not A Target',
  'web-1',
  'i-xyz',
  'asg:',
  'eks:prod',
  'eks:prod/Node_1',
  '$(reboot)',
  'ip-10-0-1-23.example.test',
  'node:prod/ip-10-0-1-23.ec2.internal',
];

/** The target ids the `triggered` entry of an execution records. */
function triggeredTargets(entries: readonly { type: string }[]): string[] {
  const triggered = entries.find((e): e is AuditEntryOf<'triggered'> => e.type === 'triggered');
  return triggered ? triggered.data.targets.map((t) => t.id) : [];
}

/** What the core resolves a target string to, with no cloud directory (what a machine without AWS can know). */
async function coreIds(target: string): Promise<string[] | 'rejected'> {
  try {
    return (await expandTargets([parseTarget(target, 'docker')], undefined, 1000)).map((t) => t.id);
  } catch {
    return 'rejected';
  }
}

describe('a target string means the same thing to the CLI, the console API and the Intake Lambda', () => {
  const dynamo = new LocalDynamo();
  const autoscaling = mockClient(AutoScalingClient);
  // The cloud knows no instance by these names here (a machine without AWS cannot ask either).
  const ec2 = mockClient(EC2Client);
  let consoleServer: ConsoleServer;
  let restore: () => void = () => undefined;
  const consoleDir = tempDir();

  beforeAll(async () => {
    await dynamo.start();
    consoleServer = await startConsoleServer({
      dataDir: consoleDir,
      rulebook,
      token: 'drift-token',
    });
  });
  afterAll(async () => {
    await consoleServer.close();
    await dynamo.stop();
  });
  afterEach(() => restore());

  async function viaCli(target: string): Promise<string[] | 'rejected'> {
    const program = new Command('paramedic').exitOverride();
    registerRunCommand(program);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const complain = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exitCode = process.exitCode;
    try {
      await program.parseAsync(
        ['run', 'disk-full', '--target', target, '--json', '--data-dir', tempDir()],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
      complain.mockRestore();
    }
    const failedToStart = out.length === 0;
    process.exitCode = exitCode;
    return failedToStart ? 'rejected' : triggeredTargets(JSON.parse(out.join('')).entries);
  }

  async function viaConsole(target: string): Promise<string[] | 'rejected'> {
    const body = JSON.stringify({ runbookId: 'disk-full', target, mode: 'dry-run', by: 'alice' });
    const answer = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: consoleServer.port,
          path: '/api/runs',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-paramedic-token': 'drift-token',
            host: `127.0.0.1:${consoleServer.port}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    if (answer.status === 400) return 'rejected';
    expect(answer.status).toBe(200);
    const { LocalAuditStore } = await import('../../lambdas/adapters/local/local-audit-store.js');
    return triggeredTargets(
      await new LocalAuditStore(consoleDir).execution(answer.json.executionId),
    );
  }

  async function viaIntakeLambda(target: string): Promise<string[] | 'rejected'> {
    const tables = await dynamo.tables();
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    autoscaling.reset();
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    ec2.reset();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const handler = await coldStart('intake.ts');
    const event = {
      executionId: `arn:aws:states:eu-west-1:123456789012:execution:Paramedic:drift-${tables.audit}`,
      state: { runbookId: 'disk-full', target, mode: 'dry-run', invokedBy: 'alice' },
    };
    try {
      const result = (await handler(event, lambdaContext('paramedic-Intake'))) as {
        targets: { id: string }[];
      };
      return result.targets.map((t) => t.id);
    } catch (error) {
      expect((error as Error).name).toBe('ManualInputError');
      return 'rejected';
    }
  }

  it.each(TARGETS)(
    '%s',
    async (target) => {
      const expected = await coreIds(target);

      const seen = {
        cli: await viaCli(target),
        console: await viaConsole(target),
        intake: await viaIntakeLambda(target),
      };

      expect(seen).toEqual({ cli: expected, console: expected, intake: expected });
    },
    60_000,
  );
});

describe('an alarm names the same targets to the CLI, the Intake Lambda and the local runner', () => {
  const alarmFiles = [
    ...readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'alarms')).map((f) =>
      join(REPO_ROOT, 'test', 'fixtures', 'alarms', f),
    ),
    ...readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'events'))
      .filter((f) => f.startsWith('intake-alarm-'))
      .map((f) => join(REPO_ROOT, 'test', 'fixtures', 'events', f)),
  ];
  const dynamo = new LocalDynamo();
  const autoscaling = mockClient(AutoScalingClient);
  // The children of the composite fixtures, as DescribeAlarms returns them (no local CloudWatch exists).
  const cloudwatch = mockClient(CloudWatchClient);
  const CHILDREN: Record<string, MetricAlarm> = {
    'paramedic-docker-disk-child': {
      AlarmName: 'paramedic-docker-disk-child',
      StateValue: 'ALARM',
      Dimensions: [
        { Name: 'InstanceId', Value: 'i-0bbbbbbbbbbbbbbb1' },
        { Name: 'path', Value: '/' },
      ],
    },
    'paramedic-docker-health-child': {
      AlarmName: 'paramedic-docker-health-child',
      StateValue: 'OK',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0bbbbbbbbbbbbbbb2' }],
    },
  };
  /** The event's own alarm as DescribeAlarms describes it (Intake confirms it first): in ALARM since the event, watching what it says. */
  const described = (event: unknown): { metric?: MetricAlarm; composite?: CompositeAlarm } => {
    const alarm = normalizeAlarmEvent(event);
    const base = {
      AlarmName: alarm.alarmName,
      StateValue: 'ALARM' as const,
      StateTransitionedTimestamp: new Date(alarm.time),
    };
    if (alarm.alarmRule !== undefined)
      return { composite: { ...base, AlarmRule: alarm.alarmRule } };
    const metrics = (event as any).detail.configuration?.metrics ?? [];
    return {
      metric: {
        ...base,
        Metrics: metrics.map((m: any) => ({
          Id: m.id,
          Expression: m.expression,
          MetricStat: m.metricStat && {
            Metric: {
              Namespace: m.metricStat.metric?.namespace,
              MetricName: m.metricStat.metric?.name,
              Dimensions: Object.entries(m.metricStat.metric?.dimensions ?? {}).map(
                ([Name, Value]) => ({ Name, Value: Value as string }),
              ),
            },
          },
        })),
      },
    };
  };
  const describeChildren = (event: unknown) => {
    const own = described(event);
    cloudwatch.reset();
    cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input) => {
      const names: string[] = input.AlarmNames ?? [];
      const is = (a: { AlarmName?: string } | undefined) =>
        a !== undefined && names.includes(a.AlarmName!);
      return {
        MetricAlarms: [
          ...names.flatMap((n) => (CHILDREN[n] ? [CHILDREN[n]] : [])),
          ...(is(own.metric) ? [own.metric!] : []),
        ],
        CompositeAlarms: is(own.composite) ? [own.composite!] : [],
      };
    });
  };
  let restore: () => void = () => undefined;
  beforeAll(() => dynamo.start());
  afterAll(() => dynamo.stop());
  afterEach(() => restore());

  /** Every collector fails at once: this test is about targets, not evidence. */
  const unreachable: CommandRunner = {
    run: async (r) =>
      r.targets.map((target) => ({
        target,
        status: 'Failed',
        exitCode: 1,
        stdout: '',
        stderr: 'drift test: not collected',
      })),
  };
  /** Every fixture's alarm passes the intake filter here (this test is about targets): the ECS one is `shop-…`. */
  const PREFIXES = ['paramedic-', 'shop-'];
  /** The group an alarm names has these instances (the Lambda asks Auto Scaling; the local runner has no cloud to ask). */
  const FLEET = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2'];

  it.each(alarmFiles.map((f) => [f.slice(REPO_ROOT.length + 1), f]))(
    '%s',
    async (_name, file) => {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      const alarm = 'executionId' in doc ? doc.state : doc;
      let specs: ReturnType<typeof alarmEventTargets> | undefined;
      try {
        specs = alarmEventTargets(alarm, ['prod']);
      } catch {
        specs = undefined;
      }

      // A composite alarm's children are read through CloudWatch: the Lambda can, a machine without AWS cannot.
      if (specs) describeChildren(alarm);
      const rule = specs ? normalizeAlarmEvent(alarm).alarmRule : undefined;
      const children =
        rule === undefined || normalizeAlarmEvent(alarm).actionsSuppressedBy
          ? []
          : resolveAlarmTargets(
              (
                await compositeDimensions(
                  rule,
                  new CloudWatchAlarmReader(() => new CloudWatchClient({ region: 'eu-west-1' })),
                  awsErrorWording,
                )
              ).dimensions.map((d) => d.dimensions),
              ['prod'],
            );

      const tables = await dynamo.tables();
      restore = setEnvironment({
        ...deployedEnvironment(dynamo, tables),
        PARAMEDIC_CONFIG: JSON.stringify({ eksClusters: ['prod'], alarmNamePrefixes: PREFIXES }),
      });
      autoscaling.reset();
      autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
        AutoScalingGroups: [
          { Instances: FLEET.map((InstanceId) => ({ InstanceId, LifecycleState: 'InService' })) },
        ] as never,
      });
      const handler = await coldStart('intake.ts');
      const lambda = await handler(
        {
          executionId: `arn:aws:states:eu-west-1:123456789012:execution:Paramedic:${tables.audit}`,
          state: alarm,
        },
        lambdaContext('paramedic-Intake'),
      ).then(
        (r) => (r as { targets: { id: string }[] }).targets.map((t) => t.id),
        (error: Error) => error.name,
      );
      const dataDir = tempDir();
      const eventFile = join(dataDir, 'alarm.json');
      writeFileSync(eventFile, JSON.stringify(alarm));
      const local = await triageAlarm(eventFile, {
        dataDir,
        rulebook,
        mode: 'dry-run',
        runner: unreachable,
        alarmNamePrefixes: PREFIXES,
        print: () => undefined,
      }).then(
        (r) => triggeredTargets(r.entries),
        (error: Error) => error.name,
      );

      if (!specs) {
        expect({ lambda, local }).toEqual({ lambda: 'AlarmEventError', local: 'AlarmEventError' });
        return;
      }
      // Groups expand through the cloud's directory; everything else is the same spec everywhere.
      const withFleet = specs.flatMap((s) => (s.kind === 'auto-scaling-group' ? FLEET : []));
      const direct = (await expandTargets(specs, undefined, 1000)).map((t) => t.id);
      const viaChildren = (await expandTargets(children, undefined, 1000)).map((t) => t.id);
      expect([...(lambda as string[])].sort()).toEqual(
        [...direct, ...withFleet, ...viaChildren].sort(),
      );
      expect(local).toEqual(direct);
    },
    60_000,
  );
});
