/**
 * A local run killed mid-way (kill -9) is closed as interrupted at the next start, with an audit
 * entry, and the trail still verifies (issue 13: records stayed "RUNNING" for ever).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalLockStore } from '../../../lambdas/adapters/local/local-lock-store.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { ExecutionRecords } from '../../../lambdas/local/execute-workflow.js';
import { closeInterruptedRuns } from '../../../lambdas/local/interrupted-runs.js';

const REPLAY = 'test/integration/local/fixtures/disk-full-docker-host.json';
const paramedic = (dataDir: string, ...args: string[]) => [
  'cli/bin/paramedic.mjs',
  ...args,
  '--data-dir',
  dataDir,
];
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-interrupted-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const recordsIn = (dir: string) => {
  const d = join(dir, 'executions');
  return existsSync(d)
    ? readdirSync(d)
        .filter((f) => f.endsWith('.json'))
        .map((f) => {
          try {
            return JSON.parse(readFileSync(join(d, f), 'utf8'));
          } catch {
            return undefined;
          }
        })
        .filter(Boolean)
    : [];
};

describe('interrupted local executions', () => {
  it('a triage killed with SIGKILL is closed as interrupted by the next triage, with an audit entry; the trail verifies', async () => {
    // Prepare: start a triage and kill it as soon as its record says RUNNING.
    const child = spawn(process.execPath, paramedic(dataDir, 'triage', '--replay', REPLAY), {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let killed: { executionId: string; owner: { pid: number } } | undefined;
    while (!killed && child.exitCode === null) {
      killed = recordsIn(dataDir).find((r) => r.status === 'RUNNING');
      if (!killed) await new Promise((r) => setTimeout(r, 10));
    }
    expect(killed, 'the triage finished before its RUNNING record was seen').toBeDefined();
    child.kill('SIGKILL');
    await exited;
    expect(killed!.owner.pid).toBe(child.pid);
    expect((await new ExecutionRecords(dataDir).get(killed!.executionId))!.status).toBe('RUNNING');

    // Act: the next start.
    const next = spawnSync(process.execPath, paramedic(dataDir, 'triage', '--replay', REPLAY), {
      encoding: 'utf8',
    });

    // Assess
    expect(next.status, next.stderr).toBe(0);
    const closed = (await new ExecutionRecords(dataDir).get(killed!.executionId))!;
    expect(closed.status).toBe('INTERRUPTED');
    expect(closed.error).toMatch(`its runner (pid ${child.pid} on ${hostname()}) is gone`);
    const entries = await new LocalAuditStore(dataDir).execution(killed!.executionId);
    expect(entries.at(-1)).toMatchObject({
      type: 'interrupted',
      outcome: 'interrupted',
      actor: 'system',
    });
    expect(
      spawnSync(process.execPath, paramedic(dataDir, 'audit', 'verify'), { encoding: 'utf8' })
        .status,
    ).toBe(0);
  }, 120_000);

  it('a run whose owner is alive is left alone; one without an owner only when older than a day', async () => {
    const records = new ExecutionRecords(dataDir);
    const base = {
      workflowSource: 'cdk' as const,
      definitionSha256: '0'.repeat(64),
      status: 'RUNNING' as const,
      path: [],
      input: {},
    };
    await records.save({
      ...base,
      executionId: 'alive',
      startedAt: new Date().toISOString(),
      owner: { pid: process.pid, host: hostname() },
    });
    await records.save({
      ...base,
      executionId: 'legacy-recent',
      startedAt: new Date().toISOString(),
    });
    await records.save({
      ...base,
      executionId: 'legacy-old',
      startedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });

    const closed = await closeInterruptedRuns(dataDir, new LocalAuditStore(dataDir), {
      now: () => new Date(),
    });

    expect(closed.map((c) => c.executionId)).toEqual(['legacy-old']);
    expect((await records.get('alive'))!.status).toBe('RUNNING');
    expect((await records.get('legacy-recent'))!.status).toBe('RUNNING');
  });
  it("releases the killed run's locks, leaves another run's lock alone, and records what it freed", async () => {
    // Prepare: a killed run (owner gone) that locked two hosts; a third host is locked by another run.
    const [mine, alsoMine, theirs] = [
      'i-0000000000000000a',
      'i-0000000000000000b',
      'i-0000000000000000c',
    ];
    const clock = { now: () => new Date() };
    const locks = new LocalLockStore(dataDir, clock);
    const audit = new LocalAuditStore(dataDir);
    await new ExecutionRecords(dataDir).save({
      workflowSource: 'cdk',
      definitionSha256: '0'.repeat(64),
      status: 'RUNNING',
      path: [],
      input: {},
      executionId: 'killed',
      startedAt: new Date().toISOString(),
      owner: { pid: 2 ** 22 + 1, host: hostname() },
    });
    const at = new Date().toISOString();
    await audit.append({
      executionId: 'killed',
      type: 'triggered',
      at,
      actor: 'user:erin',
      data: {
        trigger: { kind: 'manual', actor: 'user:erin', at },
        summary: 'manual run',
        mode: 'execute',
        targets: [mine, alsoMine, theirs].map((id) => ({ id, platform: 'docker' as const })),
      },
    });
    await locks.acquire(lockKey(mine), 'killed', 600);
    await locks.acquire(lockKey(alsoMine), 'killed', 600);
    await locks.acquire(lockKey(theirs), 'other', 600);

    // Act
    await closeInterruptedRuns(dataDir, audit, clock, () => false);

    // Assess
    expect(await locks.leaseOwner(lockKey(mine))).toBeUndefined();
    expect(await locks.leaseOwner(lockKey(alsoMine))).toBeUndefined();
    expect(await locks.leaseOwner(lockKey(theirs))).toBe('other');
    expect((await audit.execution('killed')).at(-1)).toMatchObject({
      type: 'interrupted',
      data: { released: [mine, alsoMine] },
    });
  });
});
