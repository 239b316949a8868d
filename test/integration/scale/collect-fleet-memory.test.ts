/**
 * Collection on AWS for a 1,000-host alarm, in the memory the functions are deployed with (512 MB,
 * cdk/constructs/house-function.ts). Each collector prints up to 1 MiB, so the fleet's outputs are
 * 1 GB, twice the heap: a step that held them all (every command read before the first bundle was stored, or a
 * spoke's send keeping every host's stdout for one S3 document) died out of memory, was retried to
 * the same death, and the run ended Failed with no diagnosis. Stored command by command (or host by
 * host) a step holds one command's outputs (50 MiB) whatever the fleet.
 *
 * Each path runs in its own process (collect-fleet-memory.script.ts): Collect on the hub, Verify on
 * the hub, and a spoke's CollectSend then Collect. To stay quick on a two-core machine the bundles
 * and the heap are both halved (512 KiB a host, 256 MB): the fleet still needs twice the heap. Every
 * run must store all 1,000 bundles under 1,000 distinct keys, keep a small Task result, and never use
 * more than 60% of the heap.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Half the function's 512 MB, as the bundles are half the collectors' 1 MiB cap. */
const HEAP_MB = 256;
const SECTION_KIB = '30';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(step: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        '--import',
        'tsx',
        join(import.meta.dirname, 'collect-fleet-memory.script.ts'),
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
        env: {
          ...process.env,
          FLEET_STEP: step,
          FLEET_HOSTS: '1000',
          FLEET_SECTION_KIB: SECTION_KIB,
        },
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

// The three at once: each is one process, and the machine running the suite may have two cores.
const runs = new Map<string, Promise<Run>>();
const runOf = (step: string): Promise<Run> => {
  if (!runs.has(step)) runs.set(step, runScript(step));
  return runs.get(step)!;
};

describe('collecting from a 1,000-host alarm in a 512 MB function', () => {
  it.concurrent.each([
    ['Collect', 'collect'],
    ['Verify', 'verify'],
    ["a spoke's CollectSend and Collect", 'spoke'],
  ])(
    '%s stores every bundle once, holding one command of output at a time',
    async (_, step) => {
      for (const s of ['collect', 'verify', 'spoke']) void runOf(s);
      const run = await runOf(step);
      const tail = `${run.stdout}\n${run.stderr}`.split('\n').filter(Boolean).slice(-8).join('\n');
      expect(tail).not.toMatch(/heap out of memory|Allocation failed/);
      expect(run.status, tail).toBe(0);
      expect(figure(run, 'stored'), tail).toBe(1000);
      expect(figure(run, 'keys'), tail).toBe(1000);
      // The Task result is the summary state-by-reference.ts leaves in the state, not 1,000 entries.
      expect(figure(run, 'result'), tail).toBeLessThan(4096);
      expect(figure(run, 'peak'), tail).toBeLessThan(HEAP_MB * 0.6);
    },
    180_000,
  );
});
