import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  existsSync,
  copyFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../lambdas/adapters/local/file-lock.js';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import type { AuditEntryInput } from '../../../lambdas/core/audit/audit-entry.js';

const input = (i: number): AuditEntryInput =>
  ({
    executionId: `e${i % 2}`,
    type: 'step',
    at: '2026-11-23T09:00:00Z',
    actor: 'system',
    data: { i },
  }) as never;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-anchor-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function trailOf(n: number, at = dir): Promise<LocalAuditStore> {
  const store = new LocalAuditStore(at);
  for (let i = 0; i < n; i++) await store.append(input(i));
  return store;
}

describe('the head anchor of the local audit trail', () => {
  it('records the latest seq and hash beside the trail', async () => {
    const store = await trailOf(3);
    const last = (await store.all()).at(-1)!;
    expect(JSON.parse(readFileSync(store.headFile, 'utf8'))).toEqual({ seq: 3, hash: last.hash });
    expect(await store.verify()).toEqual({ ok: true, entries: 3 });
  });

  it('detects a truncated tail, and refuses to append onto it', async () => {
    const store = await trailOf(5);
    const lines = readFileSync(store.file, 'utf8').trim().split('\n');
    writeFileSync(store.file, `${lines.slice(0, 3).join('\n')}\n`);
    expect(await store.verify()).toMatchObject({
      ok: false,
      entries: 3,
      firstBroken: { seq: 4, reason: expect.stringContaining('removed from the end') },
    });
    await expect(store.append(input(9))).rejects.toThrow(
      /head anchor .* says 5: records were removed/,
    );
  });

  it('detects a deleted trail', async () => {
    const store = await trailOf(2);
    rmSync(store.file);
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { reason: expect.stringContaining('ends at seq 0 but its head anchor says 2') },
    });
  });

  it('detects a wholesale rewrite: another valid chain of the same length', async () => {
    const store = await trailOf(4);
    const other = mkdtempSync(join(tmpdir(), 'paramedic-forged-'));
    try {
      const forged = new LocalAuditStore(other);
      for (let i = 0; i < 4; i++) await forged.append({ ...input(i), actor: 'user:mallory' });
      expect((await forged.verify()).ok).toBe(true);
      copyFileSync(forged.file, store.file);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 4, reason: expect.stringContaining('rewritten') },
    });
  });

  it('detects a trail whose anchor was deleted', async () => {
    const store = await trailOf(2);
    rmSync(store.headFile);
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBroken: { reason: expect.stringContaining('no head anchor') },
    });
  });

  it('accepts an anchor one behind (an append stopped between the entry and the anchor)', async () => {
    const store = await trailOf(3);
    const head = readFileSync(store.headFile, 'utf8');
    await store.append(input(3));
    writeFileSync(store.headFile, head);
    expect(await store.verify()).toEqual({ ok: true, entries: 4 });
  });
});

describe('the lock file: stale means old and its owner gone', () => {
  const lock = () => join(dir, 'trail.lock');
  const deadPid = (): number => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(r.stdout.toString());
  };
  const age = (seconds: number) => {
    const t = Date.now() / 1000 - seconds;
    utimesSync(lock(), t, t);
  };

  it('takes over an old lock whose owner process is gone', async () => {
    writeFileSync(lock(), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'crashed' }));
    age(60);
    expect(await withFileLock(lock(), async () => 'ran', { timeoutMs: 2000 })).toBe('ran');
    expect(existsSync(lock())).toBe(false);
  });

  it('does not take over a young lock even when its owner is gone', async () => {
    writeFileSync(lock(), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'crashed' }));
    await expect(
      withFileLock(lock(), async () => 'ran', { timeoutMs: 300, staleMs: 60_000 }),
    ).rejects.toThrow(/could not take/);
  });

  it('does not take over an old lock whose owner is alive', async () => {
    writeFileSync(lock(), JSON.stringify({ pid: process.pid, host: hostname(), token: 'busy' }));
    age(60);
    await expect(withFileLock(lock(), async () => 'ran', { timeoutMs: 300 })).rejects.toThrow(
      /could not take/,
    );
  });

  it('does not judge an owner on another host, whose pid means nothing here', async () => {
    writeFileSync(
      lock(),
      JSON.stringify({ pid: deadPid(), host: 'elsewhere.invalid', token: 'remote' }),
    );
    age(60);
    await expect(withFileLock(lock(), async () => 'ran', { timeoutMs: 300 })).rejects.toThrow(
      /could not take/,
    );
  });

  it("a holder whose lock was taken over does not delete the new holder's lock on release", async () => {
    await withFileLock(lock(), async () => {
      writeFileSync(
        lock(),
        JSON.stringify({ pid: process.pid, host: hostname(), token: 'someone-else' }),
      );
    });
    expect(JSON.parse(readFileSync(lock(), 'utf8')).token).toBe('someone-else');
  });
});

describe('paramedic audit anchor: trails written before head anchors existed', () => {
  it('an intact trail without an anchor fails verify, is anchored explicitly and recorded, then verifies', async () => {
    const store = await trailOf(4);
    rmSync(store.headFile);
    expect((await store.verify()).firstBroken?.reason).toMatch(/no head anchor/);

    const entry = await store.anchor('user:operator');

    expect(entry).toMatchObject({
      seq: 5,
      type: 'anchored',
      actor: 'user:operator',
      data: { seq: 4 },
    });
    expect(await store.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('refuses a trail that has an anchor (moving it would hide a cut or rewrite)', async () => {
    const store = await trailOf(2);
    await expect(store.anchor('user:operator')).rejects.toThrow(/anchored already/);
  });

  it('refuses a broken chain', async () => {
    const store = await trailOf(3);
    rmSync(store.headFile);
    const lines = readFileSync(store.file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"i":1', '"i":9');
    writeFileSync(store.file, lines.join('\n'));
    await expect(store.anchor('user:operator')).rejects.toThrow(
      /broken at seq 2.*only an intact chain/,
    );
    expect(existsSync(store.headFile)).toBe(false);
  });

  it('the command anchors a trail and exits 0; a second run exits 1', async () => {
    const store = await trailOf(2);
    rmSync(store.headFile);
    const run = () =>
      spawnSync(process.execPath, ['cli/bin/paramedic.mjs', 'audit', 'anchor', '--data-dir', dir], {
        encoding: 'utf8',
      });

    const first = run();

    expect(first.stdout).toMatch(/anchored: 2 records written without a head anchor/);
    expect(first.status).toBe(0);
    expect(run().status).toBe(1);
  });
});
