/**
 * CLI start-up benchmark: wall time of the compiled `paramedic` (cli/bin/paramedic.mjs) against a
 * bare `node -e 0` measured in the same run, interleaved so load on the machine hits all alike.
 * Targets (issue 14): `--version` ≤ 3× node, `classify` of one bundle ≤ 8× node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const BIN = join(ROOT, 'cli', 'bin', 'paramedic.mjs');
const BUNDLE = join(ROOT, 'test', 'integration', 'local', 'fixtures', 'disk-full-docker-host.json');
const RUNS = 9;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One run's wall time in ms; throws when the command fails (a broken build must not bench fast). */
function wallMs(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Prints the medians and the ratios to `node -e 0`. */
export async function run(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli is missing: run "npm run build" first (npm run bench does)');
  const cases = [
    { name: 'node -e 0', args: ['-e', '0'], target: undefined },
    { name: 'paramedic --version', args: [BIN, '--version'], target: 3 },
    { name: 'paramedic classify <one bundle>', args: [BIN, 'classify', BUNDLE], target: 8 },
  ] as const;
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of cases.entries()) times[k]!.push(wallMs(c.args));
  }
  const base = median(times[0]!);
  console.log(
    `Command start-up (wall time, median of ${RUNS}, interleaved; baseline node -e 0 in the same run):`,
  );
  cases.forEach((c, k) => {
    const ms = median(times[k]!);
    const ratio = ms / base;
    const verdict =
      c.target === undefined
        ? ''
        : `  target ≤ ${c.target}×: ${ratio <= c.target ? 'ok' : 'MISSED'}`;
    console.log(
      `  ${c.name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${ratio.toFixed(2).padStart(5)}×${verdict}`,
    );
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
