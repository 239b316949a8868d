import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRunbooks, expressionsOf } from '../lambdas/core/classify/compile.js';
import { loadDeferredReaders } from '../lambdas/core/classify/facts/deferred-readers.js';
import { classifyEvidence } from '../lambdas/core/classify/engine.js';
import type { MatchExpression, Runbook } from '../lambdas/core/runbook/model.js';
import { loadRunbookDirectory } from '../lambdas/adapters/local/runbook-directory.js';
import { generateEvidence } from './evidence-generator.js';

const MB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(fn: () => void, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

function patternsOf(runbooks: readonly Runbook[]): string[] {
  const out: string[] = [];
  const walk = (m: MatchExpression) => {
    if ('pattern' in m) out.push(m.pattern);
    else if ('all' in m) m.all.forEach(walk);
    else if ('any' in m) m.any.forEach(walk);
    else if ('absent' in m) walk(m.absent);
    else if ('unresolved' in m) {
      walk(m.unresolved);
      walk(m.resolvedBy);
    }
  };
  for (const r of runbooks) expressionsOf(r).forEach(walk);
  return out;
}

/** JavaScript regex -> POSIX ERE as GNU grep reads it (\d, (?:, lazy quantifiers). */
function toEre(source: string): string {
  return source
    .replace(/\\d/g, '[0-9]')
    .replace(/\(\?:/g, '(')
    .replace(/([*+?}])\?/g, '$1');
}

/** Classifier vs grep on the same text: MB/s and the ratio, plus scaling with runbook count. */
export async function run(): Promise<void> {
  await loadDeferredReaders();
  const { runbooks } = loadRunbookDirectory();
  const all = compileRunbooks(runbooks);
  const five = compileRunbooks(runbooks.slice(0, 5));
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-bench-'));
  try {
    const patternFile = join(dir, 'patterns.ere');
    const ere = patternsOf(runbooks)
      .map(toEre)
      .filter((p) => {
        try {
          execFileSync('grep', ['-E', '-e', p, '/dev/null'], { stdio: 'ignore' });
          return true;
        } catch (e) {
          return (e as { status?: number }).status === 1;
        }
      });
    writeFileSync(patternFile, `${ere.join('\n')}\n`);
    process.stdout.write(
      `classifier benchmark: ${runbooks.length} runbooks, ${all.patterns.length} patterns (${ere.length} usable by grep -E), ${all.scanner.literals.length} literals\n`,
    );
    process.stdout.write(
      `${'size'.padEnd(8)}${'classify MB/s'.padStart(14)}${'grep MB/s'.padStart(12)}${'ratio'.padStart(8)}${'5 runbooks MB/s'.padStart(17)}${'25/5 time'.padStart(11)}\n`,
    );
    for (const sizeMb of [10, 100]) {
      const bundle = generateEvidence(sizeMb * MB);
      const text = Object.values(bundle.sections)
        .map((s) => s.output)
        .join('\n');
      const textFile = join(dir, `evidence-${sizeMb}.txt`);
      writeFileSync(textFile, text);
      const bytes = Buffer.byteLength(text);
      const runs = sizeMb >= 100 ? 3 : 5;
      let top = '';
      const msAll = time(() => {
        top = classifyEvidence(all, bundle)
          .matches.map((m) => m.runbookId)
          .join(',');
      }, runs);
      const msFive = time(() => classifyEvidence(five, bundle), runs);
      const msGrep = time(() => {
        try {
          execFileSync('grep', ['-E', '-i', '-c', '-f', patternFile, textFile], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
        } catch (e) {
          if ((e as { status?: number }).status !== 1) throw e;
        }
      }, runs);
      const rate = (ms: number) => bytes / MB / (ms / 1000);
      process.stdout.write(
        `${`${sizeMb} MB`.padEnd(8)}${rate(msAll).toFixed(1).padStart(14)}${rate(msGrep).toFixed(1).padStart(12)}${(rate(msAll) / rate(msGrep)).toFixed(2).padStart(8)}${rate(msFive).toFixed(1).padStart(17)}${(msAll / msFive).toFixed(2).padStart(11)}   top: ${top}\n`,
      );
    }
    process.stdout.write(
      'ratio = classifier MB/s / grep -E -i -c -f MB/s on the same text (>= 1 means no slower than grep); 25/5 time = cost of 25 runbooks vs 5.\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
