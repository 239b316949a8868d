import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docker.events reaches the moment of collection', () => {
  it('asks for events until now to the millisecond: a whole-second --until drops the pull that just proved a fix', () => {
    // A docker CLI that answers every call and records the arguments of `docker events`.
    const calls = join(dir, 'events.args');
    writeFileSync(
      join(dir, 'docker'),
      `#!/bin/sh\nif [ "$1" = events ]; then printf '%s\\n' "$*" >>'${calls}'; fi\nexit 0\n`,
    );
    chmodSync(join(dir, 'docker'), 0o755);
    const before = Date.now();
    const r = spawnSync('bash', [join(REPO_ROOT, 'runbooks/collectors/docker-host.sh')], {
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        HOME: dir,
        TMPDIR: dir,
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const [args] = readFileSync(calls, 'utf8').trim().split('\n');
    const until = /--until (\d+)\.(\d{9})\b/.exec(args!);
    expect(until, args).not.toBeNull();
    const untilMs = Number(until![1]) * 1000 + Math.floor(Number(until![2]) / 1e6);
    expect(untilMs).toBeGreaterThanOrEqual(before);
    expect(untilMs).toBeLessThanOrEqual(Date.now());
  });
});
