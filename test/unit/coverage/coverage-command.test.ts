/**
 * `paramedic coverage`: `--aws` reads every page of DescribeAlarms (aws-sdk-client-mock: no AWS),
 * `--file` reads the CLI's output; exit 1 when anything is uncovered, 2 for usage errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeAllAlarms } from '../../../lambdas/adapters/cloudwatch/cloudwatch-alarm-lister.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { registerCoverageCommand } from '../../../cli/commands/coverage.js';
import { paramedic } from '../../integration/local/cli-helper.js';

const FIXTURE = join(
  REPO_ROOT,
  'test',
  'fixtures',
  'cloudwatch',
  'describe-alarms-mixed-coverage.json',
);
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const cloudwatch = mockClient(CloudWatchClient);

/** The fixture served as three pages: metric alarms split in two, the composite alarm on the last. */
function servePages(): void {
  cloudwatch
    .on(DescribeAlarmsCommand, { NextToken: undefined })
    .resolves({ MetricAlarms: fixture.MetricAlarms.slice(0, 6), NextToken: 'page-2' });
  cloudwatch
    .on(DescribeAlarmsCommand, { NextToken: 'page-2' })
    .resolves({ MetricAlarms: fixture.MetricAlarms.slice(6), NextToken: 'page-3' });
  cloudwatch
    .on(DescribeAlarmsCommand, { NextToken: 'page-3' })
    .resolves({ CompositeAlarms: fixture.CompositeAlarms });
}

beforeEach(() => cloudwatch.reset());

describe('describeAllAlarms', () => {
  it('follows NextToken through every page, asking for metric and composite alarms', async () => {
    servePages();
    const out = await describeAllAlarms(new CloudWatchClient({ region: 'eu-west-1' }));
    expect(out.MetricAlarms).toHaveLength(13);
    expect(out.CompositeAlarms?.map((a) => a.AlarmName)).toEqual([
      'paramedic-shop-degraded',
      'paramedic-build-degraded',
      'paramedic-orders-degraded',
    ]);
    const calls = cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(
      calls.every(
        (c) => c.AlarmTypes?.join() === 'MetricAlarm,CompositeAlarm' && c.MaxRecords === 100,
      ),
    ).toBe(true);
  });

  it('stops with an error when the service never stops paging', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], NextToken: 'again' });
    await expect(describeAllAlarms(new CloudWatchClient({ region: 'eu-west-1' }))).rejects.toThrow(
      /NextToken after 1000 pages/,
    );
  });
});

describe('paramedic coverage --aws (in process, DescribeAlarms mocked)', () => {
  let out = '';
  beforeEach(() => {
    out = '';
    process.exitCode = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('reports the alarms of every page, as JSON, and exits 1 for what is uncovered', async () => {
    servePages();
    const program = new Command('paramedic').exitOverride();
    registerCoverageCommand(program);
    await program.parseAsync(
      [
        'coverage',
        '--aws',
        '--region',
        'eu-west-1',
        '--prefix',
        'paramedic-',
        '--eks-cluster',
        'shop-prod',
        '--json',
      ],
      { from: 'user' },
    );
    const report = JSON.parse(out);
    expect(process.exitCode).toBe(1);
    expect(report.alarmsRead).toBe(16);
    // The composite's children came on other pages: it reaches theirs.
    const noTarget = report.noTarget.map((a: { alarmName: string }) => a.alarmName);
    expect(noTarget).toContain('paramedic-orders-degraded');
    expect(noTarget).not.toContain('paramedic-shop-degraded');
    expect(report.noRunbook.map((a: { alarmName: string }) => a.alarmName).sort()).toEqual([
      'paramedic-build-host-cpu',
      'paramedic-build-host-cpu-insights',
      'paramedic-fleet-cpu-insights',
      'paramedic-orders-ecs-cpu-insights',
      'paramedic-orders-lambda-errors',
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(3);
  });
});

describe('paramedic coverage (compiled command)', () => {
  it('prints the table and exits 1 when something is uncovered', async () => {
    const r = await paramedic([
      'coverage',
      '--file',
      FIXTURE,
      '--prefix',
      'paramedic-',
      '--eks-cluster',
      'shop-prod',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/reach no target \(6\)/);
    expect(r.stdout).toMatch(/watch a metric no runbook explains \(5\)/);
    expect(r.stdout).toMatch(
      /composite alarms reach, when they fire \(2\)\n {2}paramedic-shop-degraded:\n {4}pods shop\/web on cluster shop-prod when child alarm paramedic-shop-web-restarts is in ALARM as paramedic-shop-degraded fires\n/,
    );
    expect(r.stdout).toMatch(/paramedic-orders-lambda-errors: AWS\/Lambda\/Errors/);
    expect(r.stdout).toMatch(/UNCOVERED/);
  });

  it('exits 0 when every alarm of the filter is covered and every class has a case', async () => {
    const r = await paramedic([
      'coverage',
      '--file',
      FIXTURE,
      '--prefix',
      'paramedic-web-fleet-',
      'paramedic-docker-host-',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ covered: true, untested: [] });
  });

  it('lists the failure classes without a case among the cases given', async () => {
    const r = await paramedic([
      'coverage',
      '--file',
      FIXTURE,
      '--prefix',
      'paramedic-web-fleet-',
      '--cases',
      join(REPO_ROOT, 'test', 'runbooks', 'cases', 'disk-full-inodes.json'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.untested).not.toContain('disk-full');
    expect(report.untested).toContain('oom-killed');
  });

  it("reads the deployment's clusters from cdk.json, the spokes' included, as Intake does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-coverage-'));
    const config = join(dir, 'cdk.json');
    const paramedicContext = {
      alarmNamePrefixes: ['paramedic-'],
      eksClusters: ['shop-prod'],
      spokes: {
        accounts: ['111111111111'],
        externalId: 'paramedic-coverage-test',
        eksClusters: ['staging'],
      },
    };
    writeFileSync(config, JSON.stringify({ context: { paramedic: paramedicContext } }));
    try {
      const r = await paramedic(['coverage', '--file', FIXTURE, '--config', config, '--json']);
      const staging = JSON.parse(r.stdout).alarms.find(
        (a: { alarmName: string }) => a.alarmName === 'paramedic-staging-api-restarts',
      );
      expect(staging).toMatchObject({
        atAlarmTime: ['pods api/api on cluster staging'],
        targetProblems: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 naming the field when cdk.json holds an invalid configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-coverage-'));
    const config = join(dir, 'cdk.json');
    writeFileSync(config, JSON.stringify({ context: { paramedic: { eksCluster: ['typo'] } } }));
    try {
      const r = await paramedic(['coverage', '--file', FIXTURE, '--config', config]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /cdk\.json: context\.paramedic: .*unknown field\(s\) eksCluster.*; fix it, or give both --prefix and --eks-cluster$/m,
      );
      expect(r.stderr).not.toMatch(/-c paramedic/);
      // Both flags given: the file is not needed, and not read.
      const flagged = await paramedic([
        'coverage',
        '--file',
        FIXTURE,
        '--config',
        config,
        '--prefix',
        'paramedic-web-fleet-',
        '--eks-cluster',
        'shop-prod',
        '--json',
      ]);
      expect(flagged.stderr).toBe('');
      expect(JSON.parse(flagged.stdout).filter.alarmNamePrefixes).toEqual(['paramedic-web-fleet-']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([[[]], [['--aws', '--file', FIXTURE]]])(
    'exits 2 without exactly one source (%j)',
    async (args) => {
      const r = await paramedic(['coverage', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/exactly one of --aws .* or --file/);
    },
  );

  it('exits 1 naming the problem when the file is not a DescribeAlarms output', async () => {
    const r = await paramedic([
      'coverage',
      '--file',
      join(REPO_ROOT, 'test', 'fixtures', 'alarms', 'ec2-docker-host-disk-used.json'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a DescribeAlarms output/);
  });
});
