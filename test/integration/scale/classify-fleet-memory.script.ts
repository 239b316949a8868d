/**
 * Classifies a fleet's stored bundles (classifyStored, as Classify does) whose sections are each
 * ~1 MiB, in a heap smaller than the fleet's bundles (classify-fleet-memory.test.ts starts it with
 * --max-old-space-size and --expose-gc), and keeps every target's result, as Classify keeps them
 * until it has summarized the fleet. Each bundle's disk-full lines are cut from its 1 MiB section:
 * a kept evidence line that shares its section's memory keeps the whole section.
 * Prints `base <MiB before>`, `after <MiB with the results held>` and `classified <disk-full tops>`.
 */
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import type { EvidenceRef } from '../../../lambdas/core/ports.js';
import type { EvidenceStore } from '../../../lambdas/core/workflow/ports.js';
import { classifyStored } from '../../../lambdas/core/workflow/stored-classification.js';

const HOSTS = Number(process.env.CLASSIFY_FLEET_HOSTS ?? 300);
const BUNDLE_BYTES = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: the heap is measured after a collection');
const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** A fresh ~1 MiB docker.journal per read (S3 hands back new bytes on each GET), full disk lines last. */
function bundleOf(target: string): EvidenceBundle {
  const filler = `Nov 23 00:0${target.length % 10}:00 host dockerd[812]: level=info msg="handled request" container=${target}`;
  const rows = Math.floor(BUNDLE_BYTES / (filler.length + 1));
  const output = [
    ...Array.from({ length: rows }, () => filler),
    `Nov 23 00:09:58 host dockerd[812]: level=error msg="failed to write container log: write /var/lib/docker/containers/${target}/log.json: no space left on device"`,
  ].join('\n');
  return {
    schema: 'paramedic.evidence/v1',
    target: { platform: 'docker', instanceId: target },
    collectedAt: '2026-11-23T00:10:00Z',
    sections: {
      'docker.journal': { command: 'journalctl -u docker', exitCode: 0, output },
      'host.disk': {
        command: 'df -P',
        exitCode: 0,
        output: `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/nvme0n1p1 8123456 8123000 456 100% /`,
      },
    },
  } as EvidenceBundle;
}

const evidence: EvidenceStore = {
  put: async () => {
    throw new Error('Classify stores no evidence');
  },
  get: async (ref: EvidenceRef | string) => {
    await new Promise((r) => setImmediate(r));
    return bundleOf(typeof ref === 'string' ? ref : ref.uri.split('/').pop()!);
  },
};

const fleet = Array.from({ length: HOSTS }, (_, i) => `i-${(0x30000000000 + i).toString(16)}`);
const base = heapAfterGc();
const results = await classifyStored(
  { evidence, rulebook: loadRulebook() },
  fleet.map((target) => ({
    target,
    status: 'Success' as const,
    ref: { uri: `s3://evidence/${target}`, sha256: '0'.repeat(64), bytes: BUNDLE_BYTES },
  })),
);
const after = heapAfterGc();
console.log(`base ${MiB(base)}`);
console.log(`after ${MiB(after)}`);
console.log(
  `classified ${results.filter((r) => r.result.matches[0]?.runbookId === 'disk-full').length}`,
);
