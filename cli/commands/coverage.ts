/**
 * `paramedic coverage`: reads the account's CloudWatch alarms (`--aws`, or a DescribeAlarms JSON
 * file) and reports the alarms that would start the workflow but reach no target, the ones whose
 * metric no runbook explains, and the failure classes without a labelled test case.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  ConfigError,
  intakeEksClusters,
  type ParamedicConfig,
  parseConfig,
} from '../../lambdas/core/deployment-config.js';
import { alarmDefinitions } from '../../lambdas/core/coverage/described-alarm.js';
import {
  coverageReport,
  type AlarmCoverage,
  type CoverageReport,
} from '../../lambdas/core/coverage/coverage-report.js';
import { DEFAULT_ALARM_NAME_PREFIXES } from '../../lambdas/core/workflow/intake-filter.js';
import {
  expandEvidencePaths,
  readEvidenceFile,
} from '../../lambdas/adapters/local/evidence-files.js';
import {
  DEFAULT_RUNBOOK_DIR,
  REPO_ROOT,
  loadRunbookDirectory,
  readFailureClassIds,
} from '../../lambdas/adapters/local/runbook-directory.js';
import { bold, complain, dim, EXIT, green, red, usageError } from '../output.js';

/** Where the labelled cases are: the repository's, and the shared corpus when it is beside the repository. */
export const COVERAGE_CASE_DIRS = [
  join(REPO_ROOT, 'test', 'runbooks', 'cases'),
  join(REPO_ROOT, 'test', 'fixtures', 'recorded'),
  join(REPO_ROOT, 'test', 'fixtures', 'kubernetes', 'bundles'),
  join(REPO_ROOT, '..', 'shared', 'corpus', 'dev'),
];

interface CoverageFlags {
  aws?: boolean;
  file?: string;
  region?: string;
  prefix?: string[];
  eksCluster?: string[];
  config: string;
  runbooks: string;
  cases?: string[];
  json?: boolean;
}

/**
 * The intake settings of the deployment (`cdk.json` → `context.paramedic`, parsed and validated as
 * `cdk synth` parses them): its alarm name prefixes and the clusters Intake reads as EKS, the
 * spokes' included. Read only for what the flags leave out; no file: the defaults.
 */
function deploymentSettings(flags: CoverageFlags): {
  alarmNamePrefixes: readonly string[];
  eksClusters: readonly string[];
} {
  if (flags.prefix && flags.eksCluster)
    return { alarmNamePrefixes: flags.prefix, eksClusters: flags.eksCluster };
  const file = flags.config;
  let config: ParamedicConfig | undefined;
  if (existsSync(file)) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { context?: { paramedic?: unknown } };
    try {
      config = parseConfig(doc.context?.paramedic);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new Error(
        `${file}: context.paramedic: ${error.problem}; fix it, or give both --prefix and --eks-cluster`,
      );
    }
  }
  return {
    alarmNamePrefixes: flags.prefix ?? config?.alarmNamePrefixes ?? DEFAULT_ALARM_NAME_PREFIXES,
    eksClusters: flags.eksCluster ?? (config ? intakeEksClusters(config) : []),
  };
}

async function readAlarms(flags: CoverageFlags): Promise<unknown> {
  if (flags.file) return JSON.parse(readFileSync(flags.file, 'utf8'));
  // Loaded only with --aws, so a file report never pays for the SDK.
  const [{ CloudWatchClient }, { describeAllAlarms }] = await Promise.all([
    import('@aws-sdk/client-cloudwatch'),
    import('../../lambdas/adapters/cloudwatch/cloudwatch-alarm-lister.js'),
  ]);
  return describeAllAlarms(new CloudWatchClient(flags.region ? { region: flags.region } : {}));
}

function caseLabels(dirs: readonly string[]): (string | null)[] {
  const { files } = expandEvidencePaths(dirs.filter((d) => existsSync(d)));
  const labels: (string | null)[] = [];
  for (const file of files) {
    try {
      const labelled = readEvidenceFile(file).labelled;
      if (labelled) labels.push(labelled.label);
    } catch (error) {
      complain(`${(error as Error).message} (not counted)`);
    }
  }
  return labels;
}

/** What an alarm watches, in a few words: its metrics, else its kind. */
const watched = (a: AlarmCoverage) =>
  a.metrics.join(' ') ||
  (a.kind === 'composite' ? '(composite alarm)' : '(query without a metric)');
const cell = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

function printAlarm(a: AlarmCoverage): void {
  const reach = [...a.targets, ...a.atAlarmTime].join(' ') || red('none');
  const runbooks =
    a.kind === 'composite' ? dim('(composite)') : a.explainedBy.join(' ') || red('none');
  process.stdout.write(
    `${cell(a.alarmName, 40)} ${cell(watched(a), 44)} ${cell(reach, 30)} ${runbooks}\n`,
  );
}

function printReport(r: CoverageReport): void {
  process.stdout.write(
    `${bold('Alarms')}: ${r.alarmsRead} read, ${r.alarms.length} start the workflow (name prefixes ${r.filter.alarmNamePrefixes.join(', ')})\n`,
  );
  if (r.alarms.length) {
    process.stdout.write(
      `${bold(cell('ALARM', 40))} ${bold(cell('METRIC', 44))} ${bold(cell('TARGETS', 30))} ${bold('RUNBOOKS')}\n`,
    );
    for (const a of r.alarms) printAlarm(a);
  }
  process.stdout.write(
    `\n${bold('Failure classes')}: ${r.classes.length}, ${r.classes.length - r.untested.length} with a labelled case\n`,
  );
  const section = (title: string, lines: string[]) => {
    process.stdout.write(`\n${lines.length ? red(title) : green(title)} (${lines.length})\n`);
    for (const line of lines) process.stdout.write(`  ${line}\n`);
  };
  section(
    'reach no target',
    r.noTarget.map((a) => `${a.alarmName}: ${a.targetProblems.join('; ')}`),
  );
  // A composite reaches its children's targets, each when that child is in ALARM: too long for the table.
  const composites = r.alarms.filter((a) => a.kind === 'composite' && a.atAlarmTime.length);
  if (composites.length) {
    process.stdout.write(
      `\n${bold('composite alarms reach, when they fire')} (${composites.length})\n`,
    );
    for (const a of composites) {
      process.stdout.write(`  ${a.alarmName}:\n`);
      for (const line of a.atAlarmTime) process.stdout.write(`    ${line}\n`);
      for (const line of a.notReached) process.stdout.write(`    ${dim(`not reached: ${line}`)}\n`);
    }
  }
  section(
    'watch a metric no runbook explains',
    r.noRunbook.map(
      (a) => `${a.alarmName}: ${watched(a)} ${dim("(declare it in a runbook's explains:)")}`,
    ),
  );
  section(
    'failure classes without a test case',
    r.untested.map((c) => `${c} ${dim('(add a labelled case under test/runbooks/cases)')}`),
  );
  process.stdout.write(
    `\n${r.covered ? green('covered') : red('UNCOVERED')}: ${r.noTarget.length} alarm(s) without a target, ${r.noRunbook.length} without a runbook, ${r.untested.length} class(es) without a case\n`,
  );
}

/** `paramedic coverage (--aws | --file <describe-alarms.json>)` */
export function registerCoverageCommand(program: Command): void {
  program
    .command('coverage')
    .description(
      'Which alarms of the intake filter reach no target or no runbook, and which failure classes have no test case (exit 1 when anything is uncovered)',
    )
    .option('--aws', 'read the alarms with DescribeAlarms (your AWS credentials)')
    .option(
      '--file <describe-alarms.json>',
      'read the alarms from "aws cloudwatch describe-alarms" output',
    )
    .option('--region <region>', 'with --aws: the AWS region')
    .option(
      '--prefix <prefix...>',
      'alarm name prefixes of the intake filter (default: cdk.json context.paramedic.alarmNamePrefixes)',
    )
    .option(
      '--eks-cluster <name...>',
      'configured EKS clusters (default: cdk.json context.paramedic.eksClusters and spokes.eksClusters)',
    )
    .option(
      '--config <cdk.json>',
      'the CDK app file holding context.paramedic',
      join(REPO_ROOT, 'cdk.json'),
    )
    .option('--runbooks <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR)
    .option(
      '--cases <dir...>',
      "labelled case files or directories (default: the repository's cases and the shared corpus)",
    )
    .option('--json', 'the report as JSON')
    .action(async (flags: CoverageFlags) => {
      if (Boolean(flags.aws) === Boolean(flags.file)) {
        usageError('give exactly one of --aws (DescribeAlarms) or --file <describe-alarms.json>');
        return;
      }
      try {
        const settings = deploymentSettings(flags);
        const loaded = loadRunbookDirectory(flags.runbooks, readFailureClassIds());
        if (loaded.errors.length)
          throw new Error(
            `${loaded.errors.length} runbook error(s) in ${flags.runbooks}, first: ${loaded.errors[0]!.message}; run "npx paramedic runbooks lint"`,
          );
        const report = await coverageReport({
          alarms: alarmDefinitions(await readAlarms(flags)),
          filter: {
            alarmNamePrefixes: settings.alarmNamePrefixes,
          },
          eksClusters: settings.eksClusters,
          runbooks: loaded.runbooks,
          failureClasses: [...loaded.runbooks.map((r) => r.id), ...(readFailureClassIds() ?? [])],
          caseLabels: caseLabels(flags.cases ?? COVERAGE_CASE_DIRS),
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else printReport(report);
        if (!report.covered) process.exitCode = EXIT.failure;
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = EXIT.failure;
      }
    });
}
