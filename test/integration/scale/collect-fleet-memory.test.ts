/**
 * Collect on AWS for a 1,000-host alarm, in the memory the function is deployed with (512 MB,
 * cdk/constructs/house-function.ts). readWaitedResults reads every command's full output before the
 * first bundle is stored, so all 1,000 bundles (up to the collectors' 1 MiB cap each) are in memory
 * at once: the function dies out of memory, is retried three times to the same death, and the run
 * ends Failed with no diagnosis. Stored command by command it needs one command's outputs (50 MiB).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('Collect of a 1,000-host alarm in a 512 MB function', () => {
  it('stores every bundle without running out of memory', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=512',
        '--import',
        'tsx',
        join(import.meta.dirname, 'collect-fleet-memory.script.ts'),
      ],
      { encoding: 'utf8', cwd: join(import.meta.dirname, '../../..'), maxBuffer: 16 * 1024 * 1024 },
    );
    const tail = `${run.stdout}\n${run.stderr}`.split('\n').filter(Boolean).slice(-6).join('\n');
    expect(tail).not.toMatch(/heap out of memory|Allocation failed/);
    expect(run.status, tail).toBe(0);
    expect(run.stdout).toMatch(/^ok 1000$/m);
  }, 300_000);
});
