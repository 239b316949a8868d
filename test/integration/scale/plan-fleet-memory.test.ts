/**
 * Plan on a fleet whose runbook declares preconditions reads every planned target's stored triage
 * bundle (up to 1 MiB each). Holding them all until the plan was built, 1,000 targets were ~1 GiB in
 * the 1,769 MB function; a kept evidence line, cut from its section, held the whole section too.
 * Judged as each is read and then let go, Plan holds a few bundles (STORED_BUNDLES_AT_ONCE) whatever
 * the fleet.
 *
 * Scaled to stay quick on a two-core machine: 300 targets of 1 MiB in a 192 MB heap, the fleet's
 * bundles half again the heap (plan-fleet-memory.script.ts runs Plan in its own process). Holding
 * them all, the process dies out of memory (measured with a 1 GiB heap: ~306 MiB at peak).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORED_BUNDLES_AT_ONCE } from '../../../lambdas/core/workflow/stored-bundle-reads.js';

const HEAP_MB = 192;
const HOSTS = 300;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        '--expose-gc',
        '--import',
        'tsx',
        join(import.meta.dirname, 'plan-fleet-memory.script.ts'),
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
        env: { ...process.env, PLAN_FLEET_HOSTS: String(HOSTS) },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const figure = (run: Run, name: string): number =>
  Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(run.stdout)?.[1] ?? Number.NaN);

describe('Plan with preconditions on a fleet of 1 MiB bundles', () => {
  it(`judges every target's evidence while holding a few bundles at a time (${HOSTS} MiB of bundles, ${HEAP_MB} MB heap)`, async () => {
    const run = await runScript();
    const tail = `${run.stdout}\n${run.stderr}`.split('\n').filter(Boolean).slice(-8).join('\n');
    expect(run.stderr, 'Plan ran out of heap: it holds the bundles it has judged').not.toMatch(
      /heap out of memory|Allocation failed/,
    );
    expect(run.status, tail).toBe(0);
    // Every target judged on both preconditions, its kept lines and its group share in the plan.
    expect(figure(run, 'ready'), tail).toBe(HOSTS);
    expect(figure(run, 'groups'), tail).toBe(HOSTS);
    expect(figure(run, 'results'), tail).toBe(HOSTS * 6);
    // The bundles under way (measured: 6-9 MiB over the heap before Plan), not the fleet's 300 MiB.
    const base = figure(run, 'base');
    expect(figure(run, 'peak') - base, tail).toBeLessThanOrEqual(2 * STORED_BUNDLES_AT_ONCE);
    // The plan keeps each precondition's few lines, not the sections they were cut from.
    expect(figure(run, 'after') - base, tail).toBeLessThan(STORED_BUNDLES_AT_ONCE);
  }, 120_000);
});
