import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

// 30 concurrent appenders: 6 real processes with 5 store instances each, so appends race both
// across processes (the lock file) and inside one (same pid: the stale check cannot lean on it).
const PROCESSES = 6;
const PER_PROCESS = 5;
const RUNS = Number(process.env.PARAMEDIC_FORK_RUNS ?? 200);

const CHILD = `
import { LocalAuditStore } from './store.mjs';
process.on('message', async ({ dir, run }) => {
  const stores = Array.from({ length: ${PER_PROCESS} }, () => new LocalAuditStore(dir));
  const settled = await Promise.allSettled(stores.map((s, i) => s.append({ executionId: 'r' + run + '-' + process.pid + '-' + i, type: 'step', at: new Date().toISOString(), actor: 'system', data: { i } })));
  process.send(settled.map((r) => (r.status === 'fulfilled' ? r.value.seq : String(r.reason))));
});
process.send('ready');
`;

let work: string;
let children: ChildProcess[] = [];

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`appender process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'paramedic-fork-'));
  // The real store, bundled once so plain node child processes can load it fast.
  await build({
    entryPoints: [join(REPO_ROOT, 'lambdas/adapters/local/local-audit-store.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(work, 'store.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(join(work, 'child.mjs'), CHILD);
  children = Array.from({ length: PROCESSES }, () =>
    fork(join(work, 'child.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await Promise.all(children.map(nextMessage));
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('the local audit chain under concurrent appenders', () => {
  it(`never forks: ${RUNS} runs of ${PROCESSES * PER_PROCESS} concurrent appenders`, async () => {
    let forks = 0;
    const failures: string[] = [];
    const started = Date.now();
    for (let run = 0; run < RUNS; run++) {
      const dir = join(work, `run-${run}`);
      const replies = children.map(nextMessage);
      for (const child of children) child.send({ dir, run });
      const seqs = (await Promise.all(replies)).flat() as (number | string)[];
      const report = await new LocalAuditStore(dir).verify();
      const distinct = new Set(seqs).size;
      if (
        !report.ok ||
        report.entries !== PROCESSES * PER_PROCESS ||
        distinct !== seqs.length ||
        seqs.some((s) => typeof s !== 'number')
      ) {
        forks++;
        failures.push(`run ${run}: ${JSON.stringify(report)} seqs ${JSON.stringify(seqs)}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(
      `audit chain concurrency: ${RUNS} runs x ${PROCESSES * PER_PROCESS} appenders, ${forks} forks, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    expect(failures.slice(0, 3)).toEqual([]);
    expect(forks).toBe(0);
  }, 600_000);
});
