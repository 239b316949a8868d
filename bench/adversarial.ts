import { compileRunbooks, type CompiledPattern, type CompiledRulebook } from '../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../lambdas/core/classify/engine.js';
import type { LineRegex } from '../lambdas/core/classify/regex-engine.js';
import type { EvidenceBundle } from '../lambdas/core/evidence/bundle.js';
import { loadRunbookDirectory } from '../lambdas/adapters/local/runbook-directory.js';
import { adversarialLineFor, allLiteralsLine, apiserverUrlAttack, bundleOfLines } from './adversarial-evidence.js';
import { generateEvidence } from './evidence-generator.js';

/**
 * Fastest milliseconds of each function over `runs`, the runs interleaved so load on the machine
 * hits all alike. The minimum, not the median: on a shared 2-core machine the noise only ever adds.
 */
export function interleavedBest(fns: readonly (() => void)[], runs: number): number[] {
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => { const t = process.hrtime.bigint(); fn(); samples[i]!.push(Number(process.hrtime.bigint() - t) / 1e6); });
  }
  return samples.map((xs) => Math.min(...xs));
}

/** The rulebook as it ran before the linear engine: every regex on the JavaScript backtracking engine. */
export function withBacktrackingEngine(rulebook: CompiledRulebook): CompiledRulebook {
  const v8 = (source: string, caseInsensitive: boolean): LineRegex => {
    const re = new RegExp(source, caseInsensitive ? 'i' : '');
    return { source, engine: 'backtracking', test: (text) => re.test(text) };
  };
  const patterns: CompiledPattern[] = rulebook.patterns.map((p) => ({ ...p, regex: v8(p.leaf.pattern, !p.leaf.caseSensitive), unless: p.leaf.unless ? v8(p.leaf.unless, true) : null }));
  return { ...rulebook, patterns };
}

/** The four hostile 16 KB lines: the red team's line, two pumped skeletons, and one carrying every literal. */
export function fourAdversarialLines(rulebook: CompiledRulebook): string[] {
  const registry = rulebook.patterns.find((p) => p.leaf.pattern.includes('/v2/'))?.leaf.pattern ?? rulebook.patterns[0]!.leaf.pattern;
  const policy = rulebook.patterns.find((p) => /podSelector/i.test(p.leaf.pattern))?.leaf.pattern ?? rulebook.patterns[1]!.leaf.pattern;
  return [apiserverUrlAttack(), adversarialLineFor(registry), adversarialLineFor(policy), allLiteralsLine(rulebook)];
}

/** Size of the ordinary bundle the adversarial lines are compared against: a busy host's full collection. */
export const ORDINARY_BUNDLE_BYTES = 1024 * 1024;

/** Hostile evidence: adversarial lines vs ordinary ones, and the linear engine vs the backtracking one it replaced. */
export async function run(): Promise<void> {
  const { runbooks } = loadRunbookDirectory();
  const linear = compileRunbooks(runbooks);
  const backtracking = withBacktrackingEngine(linear);
  const ordinary = generateEvidence(ORDINARY_BUNDLE_BYTES);
  const lines = fourAdversarialLines(linear);
  const hostile = bundleOfLines(lines, ordinary);
  const sameSizeOrdinary = generateEvidence(lines.reduce((n, l) => n + l.length + 1, 0));
  const aloneHostile = bundleOfLines(lines);
  const classify = (rulebook: CompiledRulebook, bundle: EvidenceBundle) => () => { classifyEvidence(rulebook, bundle); };

  const [ord, host, ordSmall, hostAlone] = interleavedBest([classify(linear, ordinary), classify(linear, hostile), classify(linear, sameSizeOrdinary), classify(linear, aloneHostile)], 9);
  process.stdout.write(`${'case'.padEnd(58)}${'ms'.padStart(9)}${'ratio'.padStart(8)}\n`);
  process.stdout.write(`${'ordinary 1 MiB bundle'.padEnd(58)}${ord!.toFixed(2).padStart(9)}${'1.00'.padStart(8)}\n`);
  process.stdout.write(`${'same + 4 adversarial 16 KB lines (must be <= 1.5)'.padEnd(58)}${host!.toFixed(2).padStart(9)}${(host! / ord!).toFixed(2).padStart(8)}\n`);
  process.stdout.write(`${'ordinary 64 KB'.padEnd(58)}${ordSmall!.toFixed(2).padStart(9)}${'1.00'.padStart(8)}\n`);
  process.stdout.write(`${'4 adversarial 16 KB lines alone (same size)'.padEnd(58)}${hostAlone!.toFixed(2).padStart(9)}${(hostAlone! / ordSmall!).toFixed(2).padStart(8)}\n`);

  const [newOrd, oldOrd] = interleavedBest([classify(linear, ordinary), classify(backtracking, ordinary)], 7);
  process.stdout.write(`${'ordinary 1 MiB: backtracking engine (before)'.padEnd(58)}${oldOrd!.toFixed(2).padStart(9)}${'1.00'.padStart(8)}\n`);
  process.stdout.write(`${'ordinary 1 MiB: linear engine (now)'.padEnd(58)}${newOrd!.toFixed(2).padStart(9)}${(newOrd! / oldOrd!).toFixed(2).padStart(8)}\n`);
  // One red-team line only, cut to 4 KB: at 16 KB the backtracking engine takes seconds per line.
  const attack = bundleOfLines([apiserverUrlAttack(4096)]);
  const [newAtk, oldAtk] = interleavedBest([classify(linear, attack), classify(backtracking, attack)], 3);
  process.stdout.write(`${'one 4 KB red-team line: backtracking engine (before)'.padEnd(58)}${oldAtk!.toFixed(2).padStart(9)}${'1.00'.padStart(8)}\n`);
  process.stdout.write(`${'one 4 KB red-team line: linear engine (now)'.padEnd(58)}${newAtk!.toFixed(2).padStart(9)}${(newAtk! / oldAtk!).toFixed(4).padStart(8)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
