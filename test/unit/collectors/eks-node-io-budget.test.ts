import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collectOnQuietNode,
  eksNodeCase,
  eksNodeCollectorScratch,
} from '../../support/eks-node-collector-scratch.js';

// The EKS-node document as SSM would run it, on a node whose runtime is slow to answer: its
// io.block section must stay inside the 10 s section budget whatever the number of containers,
// or the whole run outgrows the document's 60 s and SSM kills it before anything is printed.
// The collector reads the process table: the file holds the kubelet-process lock (support).
const scratch = eksNodeCollectorScratch('pm-eks-io-budget-');

const SECTION_BUDGET_MS = 10_000;
const ids = Array.from({ length: 8 }, (_, i) => (i + 1).toString(16).padStart(64, '0'));

/**
 * A crictl that logs its calls: `ps -q` lists 8 running containers, `ps -o json` lists them with
 * their names (or, when `listingHangs`, never answers), `inspect` takes 2 s per call, anything
 * else answers at once.
 */
function fakeCrictl(bin: string, calls: string, listingHangs: boolean) {
  const json = JSON.stringify({
    containers: ids.map((id, i) => ({
      id,
      podSandboxId: 'f'.repeat(64),
      metadata: { name: `app${i}`, attempt: 0 },
      labels: { 'io.kubernetes.container.name': `app${i}` },
    })),
  });
  writeFileSync(join(bin, 'ps.json'), json);
  writeFileSync(
    join(bin, 'crictl'),
    `#!/bin/bash
printf '%s\\n' "$*" >>${JSON.stringify(calls)}
case "$*" in
  'ps -q') printf '%s\\n' ${ids.join(' ')} ;;
  'ps -o json') ${listingHangs ? 'sleep 30' : `cat ${JSON.stringify(join(bin, 'ps.json'))}`} ;;
  inspect*) sleep 2; echo "\${@: -1} app" ;;
esac
exit 0
`,
  );
  chmodSync(join(bin, 'crictl'), 0o755);
}

async function collect(listingHangs: boolean) {
  const node = eksNodeCase(scratch);
  const calls = join(node.dir, 'calls');
  writeFileSync(calls, '');
  fakeCrictl(node.bin, calls, listingHangs);
  const bundle = await collectOnQuietNode(node, {}, { sinceMinutes: '5' });
  return { io: bundle.sections['io.block']!, calls: readFileSync(calls, 'utf8') };
}

describe('eks-node collector: io.block names containers within its section budget', () => {
  it('lists the running containers once, never one crictl inspect per container', async () => {
    const { io, calls } = await collect(false);
    expect(io.durationMs).toBeLessThan(SECTION_BUDGET_MS);
    expect(io.output).toContain('PID COMM CONTAINER READ_B/S WRITE_B/S');
    expect(calls).not.toMatch(/^inspect/m);
    expect(calls).toMatch(/^ps -o json$/m);
  }, 90_000);

  it('a runtime that does not answer the listing costs at most 5 s, and the section says ids are shown', async () => {
    const { io } = await collect(true);
    expect(io.durationMs).toBeLessThan(SECTION_BUDGET_MS);
    expect(io.output).toMatch(
      /# crictl ps -o json did not answer within [1-5]s: containers are shown by id/,
    );
    expect(io.output).toContain('PID COMM CONTAINER READ_B/S WRITE_B/S');
  }, 90_000);
});
