import type { Command } from 'commander';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import type { Runbook } from '../../lambdas/core/runbook/model.js';
import {
  DEFAULT_MAX_EVIDENCE_BYTES,
  expandEvidencePaths,
  readEvidenceFile,
} from '../../lambdas/adapters/local/evidence-files.js';
import {
  DEFAULT_RUNBOOK_DIR,
  loadRulebook,
} from '../../lambdas/adapters/local/runbook-directory.js';
import { bold, complain, cyan, dim, green, yellow } from '../output.js';
import { loadDeferredReadersFor } from '../../lambdas/core/classify/facts/load-deferred-readers-for.js';

interface ClassifyFlags {
  json?: boolean;
  threshold: string;
  runbooks: string;
  maxBytes: string;
  explain?: boolean;
}

/** One line per bound the classifier hit: the operator must know what was not looked at. */
function printLimits(limits: ReturnType<typeof classifyEvidence>['limits']): void {
  if (!limits) return;
  const where = (xs: readonly { section: string; line: number }[]) =>
    xs
      .slice(0, 3)
      .map((x) => `${x.section}:${x.line}`)
      .join(', ');
  if (limits.longLines)
    process.stdout.write(
      `  ${yellow('limit')}: ${limits.longLines.count} line(s) longer than ${limits.longLines.cap} characters were tested on their head only (${where(limits.longLines.first)})\n`,
    );
  if (limits.busyLines)
    process.stdout.write(
      `  ${yellow('limit')}: ${limits.busyLines.count} line(s) asked for more regex work than a line may have; some patterns were not tested on them (${where(limits.busyLines.first)})\n`,
    );
  for (const b of limits.budgetExhausted ?? [])
    process.stdout.write(
      `  ${yellow('limit')}: section ${b.section} spent its regex budget; candidate lines from ${b.line} on were not tested\n`,
    );
}

/** Candidates this close to the closest one are named beside it when nothing is decided. */
const CANDIDATE_MARGIN = 0.1;

function printHuman(
  file: string,
  result: ReturnType<typeof classifyEvidence>,
  runbooks: ReadonlyMap<string, Runbook>,
  explain: boolean,
): void {
  process.stdout.write(`${bold(file)}\n`);
  printLimits(result.limits);
  if (result.matches.length === 0) {
    // Near ties are the reason nothing was decided (words shared by two causes): name every candidate.
    const top = result.explanations[0]?.confidence ?? 0;
    const closest = result.explanations
      .filter((e) => e.confidence > 0 && top - e.confidence <= CANDIDATE_MARGIN)
      .slice(0, 3)
      .map((e) => `${e.runbookId} ${e.confidence.toFixed(2)}`)
      .join(', ');
    process.stdout.write(
      `  ${yellow('unclassified')}: no runbook reached the threshold${closest ? dim(` (closest: ${closest})`) : ''}\n\n`,
    );
    return;
  }
  for (const match of result.matches) {
    const runbook = runbooks.get(match.runbookId);
    process.stdout.write(
      `  ${green(match.runbookId)}  ${match.confidence.toFixed(2)}  ${dim(runbook?.title ?? '')}\n`,
    );
    for (const line of match.evidence)
      process.stdout.write(`    ${cyan(`${line.section}:${line.line}`)}  ${line.text}\n`);
    if (runbook) {
      const steps = runbook.remediation.steps.map((s) => s.action).join(', ');
      process.stdout.write(
        `    ${dim(`remediation (${runbook.remediation.safety}): ${steps} — ${runbook.remediation.summary}`)}\n`,
      );
    }
  }
  if (explain) {
    for (const e of result.explanations) {
      const why = [
        e.signals.map((s) => `${s.id}(${s.weight})`).join(' '),
        e.ruledOutBy.length ? `ruled out by ${e.ruledOutBy.map((r) => r.id).join(', ')}` : '',
        e.supersededBy ? `superseded by ${e.supersededBy}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      process.stdout.write(dim(`    · ${e.runbookId} ${e.confidence.toFixed(2)} ${why}\n`));
    }
  }
  process.stdout.write('\n');
}

/** `paramedic classify <bundle.json|dir>... [--json]` */
export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description('Classify evidence bundles (files or directories of *.json) against the runbooks')
    .argument('<paths...>', 'evidence bundle files or directories')
    .option('--json', 'one JSON line per bundle: {"file", "matches"}')
    .option('--explain', 'also show every runbook that scored, with its signals and exclusions')
    .option('--threshold <n>', 'minimum confidence of a match', '0.5')
    .option('--runbooks <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR)
    .option('--max-bytes <n>', 'largest evidence file to read', String(DEFAULT_MAX_EVIDENCE_BYTES))
    .addHelpText(
      'after',
      '\nExamples:\n  npx paramedic classify test/fixtures/recorded --json\n  npx paramedic classify test/integration/local/fixtures/disk-full-docker-host.json --explain\n',
    )
    .action(async (paths: string[], flags: ClassifyFlags) => {
      const threshold = Number(flags.threshold);
      const maxBytes = Number(flags.maxBytes);
      if (!(threshold > 0 && threshold <= 1)) {
        complain(`--threshold must be a number in (0, 1], got "${flags.threshold}"`);
        process.exitCode = 2;
        return;
      }
      if (!(maxBytes > 0)) {
        complain(`--max-bytes must be a positive number, got "${flags.maxBytes}"`);
        process.exitCode = 2;
        return;
      }
      let rulebook: ReturnType<typeof loadRulebook>;
      try {
        rulebook = loadRulebook(flags.runbooks);
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = 2;
        return;
      }
      const byId = new Map(rulebook.runbooks.map((r) => [r.id, r]));
      const { files, errors } = expandEvidencePaths(paths);
      let failed = errors.length;
      for (const e of errors) {
        complain(e.message);
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ file: e.file, error: e.message })}\n`);
      }
      for (const file of files) {
        let bundle: ReturnType<typeof readEvidenceFile>['bundle'];
        try {
          bundle = readEvidenceFile(file, maxBytes).bundle;
        } catch (error) {
          failed++;
          complain((error as Error).message);
          if (flags.json)
            process.stdout.write(`${JSON.stringify({ file, error: (error as Error).message })}\n`);
          continue;
        }
        await loadDeferredReadersFor(bundle);
        const result = classifyEvidence(rulebook, bundle, { threshold });
        // `limits` appears only when a bound was hit, so the line keeps the spec's shape otherwise.
        if (flags.json)
          process.stdout.write(
            `${JSON.stringify({ file, matches: result.matches, ...(result.limits ? { limits: result.limits } : {}) })}\n`,
          );
        else printHuman(file, result, byId, Boolean(flags.explain));
      }
      if (files.length === 0 && errors.length === 0) {
        complain('no *.json evidence files found in the given paths');
        failed++;
      }
      if (failed > 0) process.exitCode = 1;
    });
}
