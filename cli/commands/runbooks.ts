import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { compileRunbooks } from '../../lambdas/core/classify/compile.js';
import type { LabelledCase } from '../../lambdas/core/evidence/bundle.js';
import { evaluateCases, UNCLASSIFIED } from '../../lambdas/core/runbook/case-evaluation.js';
import { runbookJsonSchema } from '../../lambdas/core/runbook/json-schema.js';
import { checkRegexSafety } from '../../lambdas/core/runbook/regex-safety.js';
import {
  expandEvidencePaths,
  readEvidenceFile,
} from '../../lambdas/adapters/local/evidence-files.js';
import { recheckRedosChecker } from '../../lambdas/adapters/local/recheck-redos-checker.js';
import {
  DEFAULT_RUNBOOK_DIR,
  REPO_ROOT,
  loadRunbookDirectory,
  readFailureClassIds,
} from '../../lambdas/adapters/local/runbook-directory.js';
import { bold, complain, dim, EXIT, green, progress, red, yellow } from '../output.js';
import { loadDeferredReaders } from '../../lambdas/core/classify/facts/deferred-readers.js';

// This command classifies synchronously: the deferred readers (a YAML parser, Go's NO_PROXY rules)
// load with it, so commands that do not classify (and `--version`) start without them.
await loadDeferredReaders();

/** Where `runbooks test` looks when given no directory: the labelled cases kept in the repository. */
export const DEFAULT_CASE_DIRS = [
  join(REPO_ROOT, 'test', 'runbooks', 'cases'),
  join(REPO_ROOT, 'test', 'fixtures', 'recorded'),
];

function loadOrExit(dir: string) {
  const result = loadRunbookDirectory(dir, readFailureClassIds());
  if (result.errors.length > 0) {
    for (const e of result.errors) complain(e.message);
    complain(
      `${result.errors.length} runbook error(s) in ${dir}; run "npx paramedic runbooks lint"`,
    );
    process.exitCode = EXIT.failure;
    return undefined;
  }
  return result;
}

/** `paramedic runbooks list | show <id> | lint | test [dir...] | schema` */
export function registerRunbooksCommand(program: Command): void {
  const runbooks = program
    .command('runbooks')
    .description('Inspect, lint and test the runbook library');
  const dirOption = ['--dir <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR] as const;

  runbooks
    .command('list')
    .description('One line per runbook: id, platform, safety, title')
    .option(...dirOption)
    .action((flags: { dir: string }) => {
      const result = loadOrExit(flags.dir);
      if (!result) return;
      for (const r of result.runbooks) {
        process.stdout.write(
          `${r.id.padEnd(32)} ${r.platform.padEnd(7)} ${r.remediation.safety.padEnd(12)} ${r.title}\n`,
        );
      }
    });

  runbooks
    .command('show')
    .description('Print one runbook as validated')
    .argument('<id>')
    .option(...dirOption)
    .action((id: string, flags: { dir: string }) => {
      const result = loadOrExit(flags.dir);
      if (!result) return;
      const runbook = result.runbooks.find((r) => r.id === id);
      if (!runbook) {
        complain(`no runbook "${id}"; run "paramedic runbooks list"`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(stringify(runbook, { lineWidth: 120 }));
    });

  runbooks
    .command('lint')
    .description('Validate every runbook (structure, then cross references)')
    .option(...dirOption)
    .action((flags: { dir: string }) => {
      const loaded = loadRunbookDirectory(flags.dir, readFailureClassIds());
      // Evidence must never cost more than linear time: see checkRegexSafety for which regexes need a proof.
      const result = {
        ...loaded,
        errors: [...loaded.errors, ...checkRegexSafety(loaded.runbooks, recheckRedosChecker)],
      };
      const compiled = result.errors.length === 0 ? compileRunbooks(result.runbooks) : undefined;
      const warnings = [
        ...result.warnings.map((w) => w.message),
        ...(compiled?.patterns.filter((x) => x.literals === null) ?? []).map(
          (p) =>
            `pattern /${p.leaf.pattern}/ has no literal of 3+ characters; it is tested on every line (slow on big evidence)`,
        ),
      ];
      for (const w of warnings) process.stdout.write(`${yellow('warning')} ${w}\n`);
      for (const e of result.errors) process.stdout.write(`${red('error')}   ${e.message}\n`);
      process.stdout.write(
        `${result.runbooks.length} runbooks, ${result.errors.length} errors, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`,
      );
      if (result.errors.length > 0) process.exitCode = 1;
    });

  runbooks
    .command('test')
    .description('Run labelled cases (corpus format); print per-class accuracy and confusions')
    .argument(
      '[dirs...]',
      'case files or directories (default: test/runbooks/cases and test/fixtures/recorded)',
    )
    .option(...dirOption)
    .option('--min-accuracy <n>', 'exit non-zero below this top-1 accuracy', '1')
    .option('--json', 'print the report as JSON')
    .action((dirs: string[], flags: { dir: string; minAccuracy: string; json?: boolean }) => {
      const result = loadOrExit(flags.dir);
      if (!result) return;
      const rulebook = compileRunbooks(result.runbooks);
      const sources = dirs.length > 0 ? dirs : DEFAULT_CASE_DIRS.filter((d) => existsSync(d));
      const { files, errors } = expandEvidencePaths(sources);
      const cases: LabelledCase[] = [];
      for (const e of errors) complain(e.message);
      for (const file of files) {
        try {
          const doc = readEvidenceFile(file);
          if (doc.labelled) cases.push(doc.labelled);
          else
            complain(`${file}: has no "label"; skipped (a case needs label: <runbook id> or null)`);
        } catch (error) {
          complain((error as Error).message);
          process.exitCode = 1;
        }
      }
      progress(`classifying ${cases.length} labelled cases…`);
      const report = evaluateCases(rulebook, cases);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        process.stdout.write(
          `${bold('class'.padEnd(34))}${bold('cases'.padStart(6))}${bold('passed'.padStart(8))}\n`,
        );
        for (const c of report.perClass) {
          const mark = c.passed === c.total ? green('ok') : red('FAIL');
          process.stdout.write(
            `${c.label.padEnd(34)}${String(c.total).padStart(6)}${String(c.passed).padStart(8)}  ${mark}\n`,
          );
        }
        process.stdout.write(
          `\ntop-1 accuracy: ${report.passed}/${report.total} (${(report.accuracy * 100).toFixed(1)}%)\n`,
        );
        const negatives = report.outcomes.filter((o) => o.expected === null);
        const falsePositives = negatives.filter((o) => o.actual !== null);
        process.stdout.write(
          `negatives classified: ${falsePositives.length}/${negatives.length}\n`,
        );
        if (report.confusions.length > 0) {
          process.stdout.write(`${bold('confusions')} (expected -> got)\n`);
          for (const c of report.confusions)
            process.stdout.write(
              `  ${c.expected} -> ${c.actual === UNCLASSIFIED ? dim(c.actual) : c.actual}: ${c.count} ${dim(`(${c.cases.join(', ')})`)}\n`,
            );
        }
      }
      if (cases.length === 0) {
        complain('no labelled cases found');
        process.exitCode = 1;
      }
      if (report.accuracy < Number(flags.minAccuracy)) process.exitCode = 1;
    });

  runbooks
    .command('schema')
    .description(
      'Print the runbook JSON Schema (runbooks/runbook.schema.json is generated from it)',
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
    });
}
