/**
 * Plan reads the planned targets' stored bundles for the preconditions a few at a time, as Classify
 * does: one after another, a 1,000-host plan spent most of a minute on S3 latency alone. Local
 * stores on disk; each read of the evidence store answers after a delay, as S3 does. And Plan
 * renews the targets' locks, which must then last through the approval wait.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { LocalEvidenceStore } from '../../../lambdas/adapters/local/local-evidence-store.js';
import { LocalLockStore } from '../../../lambdas/adapters/local/local-lock-store.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { LocalOnlyRunner } from '../../../lambdas/adapters/local/this-machine-runners.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import type { EvidenceRef } from '../../../lambdas/core/ports.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import type {
  CollectedEvidence,
  IntakeResult,
  Target,
} from '../../../lambdas/core/workflow/model.js';
import type {
  EvidenceStore,
  GroupMembership,
  TargetGroup,
} from '../../../lambdas/core/workflow/ports.js';
import { runPlan } from '../../../lambdas/core/workflow/steps/plan.js';
import { STORED_BUNDLES_AT_ONCE } from '../../../lambdas/core/workflow/stored-bundle-reads.js';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:fleet';
const HOSTS = Array.from({ length: 40 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
const READ_MS = 20;

/** The local store, each read answered {@link READ_MS} later, counting the reads under way. */
class SlowEvidence implements EvidenceStore {
  inFlight = 0;
  mostAtOnce = 0;
  constructor(private readonly store: EvidenceStore) {}
  put(key: string, bundle: Parameters<EvidenceStore['put']>[1]) {
    return this.store.put(key, bundle);
  }
  async get(ref: EvidenceRef | string) {
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, READ_MS));
      return await this.store.get(ref);
    } finally {
      this.inFlight--;
    }
  }
}

let dir: string;
let evidence: SlowEvidence;
let collected: CollectedEvidence[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-plan-reads-'));
  const recorded = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/recorded/docker-bridge-no-ipv4.json'), 'utf8'),
  );
  evidence = new SlowEvidence(new LocalEvidenceStore(dir));
  collected = await Promise.all(
    HOSTS.map(async (target) => ({
      target,
      status: 'Success',
      ref: await evidence.put(
        `executions/fleet/collect/${target}`,
        parseEvidenceDocument(recorded, target).bundle,
      ),
    })),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The intake of a manual run of docker-bridge-no-ipv4 on every host. */
const fleetIntake = (): IntakeResult => ({
  executionId: EXECUTION,
  trigger: { kind: 'manual', actor: 'user:erin', at: '2026-12-03T10:00:00Z' },
  mode: 'execute',
  runbookId: 'docker-bridge-no-ipv4',
  targets: HOSTS.map((id) => ({ id, platform: 'docker' as const })),
  duplicate: false,
  dedupeKey: 'dedupe#fleet',
  startedAt: '2026-12-03T10:00:00Z',
});

/** Plan of {@link fleetIntake} over the local stores and `locks`, at `clock`, with `groups` when given. */
function planFleet(locks: LocalLockStore, clock: { now: () => Date }, groups?: GroupMembership) {
  return runPlan(
    {
      executionId: EXECUTION,
      state: {
        intake: fleetIntake(),
        collection: { evidence: collected, collected: HOSTS.length, failed: 0 },
        classification: { runbookId: 'docker-bridge-no-ipv4', targets: [] },
      } as never,
    },
    {
      audit: new LocalAuditStore(dir),
      state: new LocalStateStore(dir, clock),
      locks,
      rulebook: loadRulebook(),
      config: resolveWorkflowConfig({ dryRun: false }),
      evidence,
      commands: new LocalOnlyRunner(undefined),
      ...(groups ? { groups } : {}),
    },
    clock,
  );
}

/** Auto Scaling groups of three hosts in a row; reading the group of `unreadable` fails, as an API that refuses. */
class ThreesGroups implements GroupMembership {
  inFlight = 0;
  mostAtOnce = 0;
  constructor(private readonly unreadable: string) {}
  async groupOf(target: Target): Promise<TargetGroup | undefined> {
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, READ_MS));
      if (target.id === this.unreadable) throw new Error('AccessDenied: autoscaling:Describe*');
      const first = HOSTS.indexOf(target.id) - (HOSTS.indexOf(target.id) % 3);
      return {
        kind: 'auto-scaling-group',
        name: `web-${first / 3}`,
        members: HOSTS.slice(first, first + 3),
        outOfService: {},
      };
    } finally {
      this.inFlight--;
    }
  }
}

describe('Plan renews the locks before the approval wait', () => {
  it('extends each target lock by the lock TTL from Plan on; a lock another execution took fails the step before any plan', async () => {
    const acquiredAt = { now: () => new Date('2026-12-03T10:00:00Z') };
    const locks = new LocalLockStore(dir, acquiredAt);
    for (const h of HOSTS) expect(await locks.acquire(lockKey(h), EXECUTION, 7200)).toBe(true);
    const planAt = { now: () => new Date('2026-12-03T10:40:00Z') };
    await planFleet(new LocalLockStore(dir, planAt), planAt);
    // Renewed at 10:40, not left at 10:00: the approval wait that follows has the whole lease.
    const ttl = resolveWorkflowConfig({ dryRun: false }).lockTtlSeconds * 1000;
    const at = (ms: number) => new LocalLockStore(dir, { now: () => new Date(ms) });
    const acquired = Date.parse('2026-12-03T10:00:00Z');
    expect(await at(acquired + ttl + 60_000).leaseOwner(lockKey(HOSTS[0]!))).toBe(EXECUTION);
    expect(
      await at(acquired + 40 * 60_000 + ttl + 60_000).leaseOwner(lockKey(HOSTS[0]!)),
    ).toBeUndefined();

    const taken = new LocalLockStore(dir, planAt);
    await taken.release(lockKey(HOSTS[3]!), EXECUTION);
    expect(await taken.acquire(lockKey(HOSTS[3]!), `${EXECUTION}-other`, 3600)).toBe(true);
    try {
      await expect(planFleet(taken, planAt)).rejects.toThrow(
        /^Plan: the lock on i-0+3 expired and another execution holds it/,
      );
    } finally {
      await taken.release(lockKey(HOSTS[3]!), `${EXECUTION}-other`);
    }
  });
});

describe('Plan reads the evidence for its preconditions', () => {
  it(`a few bundles at a time (up to ${STORED_BUNDLES_AT_ONCE}), every planned target's`, async () => {
    const clock = { now: () => new Date('2026-12-03T10:05:00Z') };
    const plan = await planFleet(new LocalLockStore(dir, clock), clock);

    // Every target was judged on its own evidence (no group section here: the rule cannot decide).
    expect(new Set(plan.preconditions?.map((p) => p.target))).toEqual(new Set(HOSTS));
    expect(evidence.mostAtOnce).toBeGreaterThan(1);
    expect(evidence.mostAtOnce).toBeLessThanOrEqual(STORED_BUNDLES_AT_ONCE);
  });

  it("a group that cannot be read holds its target; the others' groups are read a few at a time, their shares in the targets' order", async () => {
    const clock = { now: () => new Date('2026-12-03T10:05:00Z') };
    const unreadable = HOSTS[4]!;
    const groups = new ThreesGroups(unreadable);
    const plan = await planFleet(new LocalLockStore(dir, clock), clock, groups);

    const held = (target: string) =>
      plan.preconditions?.filter((p) => p.target === target).map((p) => p.held);
    // Its group section says the group could not be read: the share is not shown to be small, so not met.
    expect(new Set(held(unreadable))).toEqual(new Set([false]));
    expect(new Set(held(HOSTS[5]!))).toEqual(new Set([true]));
    expect(plan.groups?.map((g) => g.target)).toEqual(HOSTS.filter((h) => h !== unreadable));
    expect(plan.groups?.[0]).toMatchObject({ name: 'web-0', size: 3, affectedPercent: 33.33 });
    expect(groups.mostAtOnce).toBeGreaterThan(1);
    expect(groups.mostAtOnce).toBeLessThanOrEqual(STORED_BUNDLES_AT_ONCE);
  });
});
