import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validatedRunbooks } from '../../../lambdas/adapters/local/validated-runbook-cache.js';
import type { Runbook } from '../../../lambdas/core/runbook/model.js';

const scratch = mkdtempSync(join(tmpdir(), 'pm-runbook-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const runbook = (id: string) => ({ id, title: `${id} title` }) as unknown as Runbook;
const files = [
  { id: 'disk-full', text: 'id: disk-full\n' },
  { id: 'oom-killed', text: 'id: oom-killed\n' },
];

describe('the compiled command caches validated runbooks, keyed by build and texts', () => {
  it('validates once per build and set of texts, then serves the validated form', () => {
    const dir = join(scratch, 'a');
    const validate = vi.fn(() => [runbook('disk-full'), runbook('oom-killed')]);
    const first = validatedRunbooks(files, validate, dir, 'build-1');
    const second = validatedRunbooks(files, validate, dir, 'build-1');
    expect(validate).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(readdirSync(dir)).toHaveLength(1);
    // A rebuilt command validates afresh (its validator may have changed).
    validatedRunbooks(files, validate, dir, 'build-2');
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('never serves an edited runbook from the cache: a now-invalid one fails its validation', () => {
    const dir = join(scratch, 'b');
    validatedRunbooks(files, () => [runbook('disk-full'), runbook('oom-killed')], dir, 'build-1');
    const edited = [files[0]!, { id: 'oom-killed', text: 'id: oom-killed\nsignals: [oops\n' }];
    expect(() =>
      validatedRunbooks(
        edited,
        () => {
          throw new Error('1 runbook error(s)');
        },
        dir,
        'build-1',
      ),
    ).toThrow('1 runbook error(s)');
  });

  it('validates every time from sources (no build id) and writes nothing', () => {
    const dir = join(scratch, 'c');
    const validate = vi.fn(() => [runbook('disk-full')]);
    validatedRunbooks(files, validate, dir, undefined);
    validatedRunbooks(files, validate, dir, undefined);
    expect(validate).toHaveBeenCalledTimes(2);
    expect(existsSync(dir)).toBe(false);
  });

  it('costs only the validation when the cache cannot be written or an entry is damaged', () => {
    const blocked = join(scratch, 'not-a-dir');
    writeFileSync(blocked, 'a file where the cache directory would go');
    expect(validatedRunbooks(files, () => [runbook('disk-full')], blocked, 'build-1')).toEqual([
      runbook('disk-full'),
    ]);
    const dir = join(scratch, 'd');
    validatedRunbooks(files, () => [runbook('disk-full')], dir, 'build-1');
    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry!), '{"format":"something else"}');
    const validate = vi.fn(() => [runbook('disk-full')]);
    expect(validatedRunbooks(files, validate, dir, 'build-1')).toEqual([runbook('disk-full')]);
    expect(validate).toHaveBeenCalledTimes(1);
  });
});
