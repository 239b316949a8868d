/**
 * Classify keeps every target's result until it has summarized the fleet. An evidence line cut from
 * a 1 MiB section kept that section alive (V8 keeps a slice's parent string), so 1,000 targets' results
 * held ~1 GiB. Evidence lines are copies (lambdas/core/classify/detached-text.ts): the results hold
 * their lines, not the sections.
 *
 * Scaled to stay quick on a two-core machine: 300 targets of 1 MiB in a 192 MB heap
 * (classify-fleet-memory.script.ts runs classifyStored in its own process). Before the copies it ran
 * out of heap.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const HEAP_MB = 192;
const HOSTS = 300;

describe('Classify on a fleet of 1 MiB bundles', () => {
  it(`keeps every target's result without keeping its sections (${HOSTS} MiB of bundles, ${HEAP_MB} MB heap)`, () => {
    const run = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        '--expose-gc',
        '--import',
        'tsx',
        join(import.meta.dirname, 'classify-fleet-memory.script.ts'),
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
        env: { ...process.env, CLASSIFY_FLEET_HOSTS: String(HOSTS) },
        encoding: 'utf8',
      },
    );
    const figure = (name: string) =>
      Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(run.stdout)?.[1] ?? Number.NaN);
    const tail = `${run.stdout}\n${run.stderr.slice(-2000)}`;
    expect(run.stderr, 'Classify ran out of heap: its results hold their sections').not.toMatch(
      /heap out of memory|Allocation failed/,
    );
    expect(run.status, tail).toBe(0);
    expect(figure('classified'), tail).toBe(HOSTS);
    // A few kept lines per target (measured: under 8 MiB for 300 targets), not 300 MiB of sections.
    expect(figure('after') - figure('base'), tail).toBeLessThan(16);
  }, 180_000);
});
