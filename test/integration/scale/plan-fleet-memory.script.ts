/**
 * Runs Plan (runPlan) for a manual run of node-disk-pressure on a fleet whose stored triage bundles
 * are each ~1 MiB (the collectors' cap), in a heap smaller than the fleet's bundles
 * (plan-fleet-memory.test.ts starts it with --max-old-space-size and --expose-gc). The runbook's
 * preconditions read the group share (local groups file, lock files) and `kubectl get nodes` in the
 * big section, so each bundle is read, given its group section and judged.
 *
 * The evidence store makes a fresh bundle on every read (S3 hands back new bytes each GET): a
 * filler of event lines, then the node rows the precondition keeps as evidence, so a kept line is
 * cut from the 1 MiB section. Before every few reads it collects garbage and samples the heap, so
 * `peak` is what Plan still held, not garbage not yet collected.
 * Prints `base <MiB before Plan>`, `peak <MiB at most>`, `after <MiB with the plan held>`,
 * `results <precondition results>`, `ready <targets another-ready-node held for>` and
 * `groups <group shares in the plan>`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalGroupMembership } from '../../../lambdas/adapters/local/local-group-membership.js';
import { LocalLockStore } from '../../../lambdas/adapters/local/local-lock-store.js';
import { LocalOnlyRunner } from '../../../lambdas/adapters/local/this-machine-runners.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import type { EvidenceRef } from '../../../lambdas/core/ports.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import type { EvidenceStore } from '../../../lambdas/core/workflow/ports.js';
import { runPlan } from '../../../lambdas/core/workflow/steps/plan.js';
import { memoryState } from '../../support/memory-state-store.js';

const HOSTS = Number(process.env.PLAN_FLEET_HOSTS ?? 300);
const BUNDLE_BYTES = 2 ** 20;
const GROUP_SIZE = 10;
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:plan-fleet';
const fleet = Array.from(
  { length: HOSTS },
  (_, i) => `i-${(0x20000000000 + i).toString(16).padStart(17, '0')}`,
);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: the peak is sampled after a collection');
const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

let peak = 0;
let reads = 0;
// A full collection costs ~10 ms: sampled on every 4th read, still dozens of times over the fleet.
const SAMPLE_EVERY = 4;
const NODE_ROWS = [
  'ip-10-0-1-1.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
  'ip-10-0-1-2.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
  'ip-10-0-1-3.ec2.internal   Ready    <none>   5d    v1.29.3-eks-ae9a62a',
];

/** The target's stored bundle, made anew on each read: ~1 MiB of k8s.cluster, node rows last. */
function bundleOf(target: string): EvidenceBundle {
  const filler = `Warning  FreeDiskSpaceFailed  kubelet  ${target} failed to garbage collect required amount of images`;
  const rows = Math.floor(BUNDLE_BYTES / (filler.length + 1));
  const output = [
    '$ kubectl get events',
    ...Array.from({ length: rows }, () => filler),
    '$ kubectl get nodes',
    'NAME                       STATUS   ROLES    AGE   VERSION',
    ...NODE_ROWS,
  ].join('\n');
  return {
    schema: 'paramedic.evidence/v1',
    target: { platform: 'eks' },
    collectedAt: '2026-12-03T10:00:00Z',
    sections: { 'k8s.cluster': { command: 'kubectl get nodes', exitCode: 0, output } },
  } as EvidenceBundle;
}

const evidence: EvidenceStore = {
  put: async () => {
    throw new Error('Plan stores no evidence');
  },
  get: async (ref: EvidenceRef | string) => {
    if (reads++ % SAMPLE_EVERY === 0) peak = Math.max(peak, heapAfterGc());
    // Answered on a later turn, as S3 does, so reads overlap.
    await new Promise((r) => setImmediate(r));
    return bundleOf(typeof ref === 'string' ? ref : ref.uri.split('/').pop()!);
  },
};

const dir = mkdtempSync(join(tmpdir(), 'paramedic-plan-fleet-'));
try {
  const groups = [];
  for (let i = 0; i < HOSTS; i += GROUP_SIZE)
    groups.push({
      kind: 'node-group',
      name: `ng-${i / GROUP_SIZE}`,
      members: fleet.slice(i, i + GROUP_SIZE),
      outOfService: {},
    });
  writeFileSync(join(dir, 'groups.json'), JSON.stringify({ groups }));
  const clock = { now: () => new Date('2026-12-03T10:05:00Z') };
  const ports = {
    audit: new LocalAuditStore(dir),
    state: memoryState(),
    locks: new LocalLockStore(dir, clock),
    groups: new LocalGroupMembership(dir),
    rulebook: loadRulebook(),
    config: resolveWorkflowConfig({ dryRun: false }),
    evidence,
    commands: new LocalOnlyRunner(undefined),
  };
  const input = {
    executionId: EXECUTION,
    state: {
      intake: {
        executionId: EXECUTION,
        trigger: { kind: 'manual', actor: 'user:erin', at: '2026-12-03T10:00:00Z' },
        mode: 'execute',
        runbookId: 'node-disk-pressure',
        targets: fleet.map((id, i) => ({
          id,
          platform: 'eks',
          instanceId: id,
          cluster: 'prod',
          node: `ip-10-1-${Math.floor(i / 250)}-${i % 250}.ec2.internal`,
        })),
        duplicate: false,
        dedupeKey: 'dedupe#plan-fleet',
        startedAt: '2026-12-03T10:00:00Z',
      },
      collection: {
        evidence: fleet.map((target) => ({
          target,
          status: 'Success',
          ref: { uri: `s3://evidence/${target}`, sha256: '0'.repeat(64), bytes: BUNDLE_BYTES },
        })),
        collected: HOSTS,
        failed: 0,
      },
      classification: { runbookId: 'node-disk-pressure', targets: [] },
    },
  };
  const base = heapAfterGc();
  const plan = await runPlan(input as never, ports as never, clock);
  const after = heapAfterGc();
  const ready = plan.preconditions?.filter(
    (p) => p.id === 'another-ready-node' && p.held === true && p.evidence[0]?.text === NODE_ROWS[0],
  );
  console.log(`base ${MiB(base)}`);
  console.log(`peak ${MiB(peak)}`);
  console.log(`after ${MiB(after)}`);
  console.log(`results ${plan.preconditions?.length ?? 0}`);
  console.log(`ready ${new Set(ready?.map((p) => p.target)).size}`);
  console.log(`groups ${plan.groups?.length ?? 0}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
