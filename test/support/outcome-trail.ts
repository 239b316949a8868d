/**
 * Audit trails of finished runs for the outcome figures (`audit stats`, the console chart): each
 * run is the typed entries the workflow steps append, in their order, with times relative to the
 * alarm, so a test says "verified 4 minutes after the alarm" and gets exactly that in the trail.
 */
import type { AuditEntryInput } from '../../lambdas/core/audit/audit-entry.js';
import type { AuditOutcome } from '../../lambdas/core/workflow/model.js';

/** One run as a test describes it. */
export interface RunSpec {
  readonly executionId: string;
  /** null: nothing classified. */
  readonly runbookId: string | null;
  readonly alarmAt: string;
  readonly outcome: AuditOutcome;
  /** The verification cleared the failure this long after the alarm. */
  readonly verifiedAfterMs?: number;
  /** A person approved the plan. */
  readonly approvedBy?: string;
  /** The verification found it still failing and the run escalated; `rollback` undid its steps first. */
  readonly escalated?: boolean;
  /** `unknown`: an earlier Escalate attempt started the undos and stopped before recording them. */
  readonly rollback?: 'rolled-back' | 'unknown';
  /** A redelivered alarm (recorded as a duplicate, not a run). */
  readonly duplicate?: boolean;
}

const TARGET = 'i-0a1b2c3d4e5f60718';

/** The entries the workflow would append for one run, in order. */
export function runEntries(run: RunSpec): AuditEntryInput[] {
  const t0 = Date.parse(run.alarmAt);
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const base = {
    executionId: run.executionId,
    actor: `alarm:paramedic-${run.runbookId ?? 'unknown'}`,
    target: TARGET,
    ...(run.runbookId ? { runbookId: run.runbookId } : {}),
  };
  const trigger = {
    kind: 'alarm' as const,
    actor: base.actor,
    alarmName: `paramedic-${run.runbookId ?? 'unknown'}`,
    at: run.alarmAt,
  };
  const triggered = {
    trigger,
    summary: `alarm ${trigger.alarmName} went ALARM`,
    mode: 'alarm' as const,
    targets: [{ id: TARGET, platform: 'docker' as const, instanceId: TARGET }],
  };
  if (run.duplicate)
    return [{ ...base, type: 'deduplicated', at: at(2_000), outcome: 'skipped', data: triggered }];
  const out: AuditEntryInput[] = [
    { ...base, type: 'triggered', at: at(2_000), data: triggered },
    {
      ...base,
      type: 'classified',
      at: at(20_000),
      data: {
        runbookId: run.runbookId,
        confidence: run.runbookId ? 0.9 : null,
        forced: false,
        targets: [],
      },
    },
  ];
  if (run.approvedBy)
    out.push({
      ...base,
      type: 'approval',
      at: at(40_000),
      data: { approved: true, approver: run.approvedBy, at: at(40_000) },
    });
  const stepped = run.verifiedAfterMs !== undefined || run.escalated;
  if (stepped)
    out.push({
      ...base,
      type: 'step',
      at: at(60_000),
      data: {
        step: 0,
        action: 'docker-prune-images',
        document: 'Paramedic-DockerPruneImages',
        outcomes: [
          {
            step: 0,
            action: 'docker-prune-images',
            target: TARGET,
            status: 'succeeded',
            durationMs: 900,
          },
        ],
      },
    });
  const verifiedAt = run.verifiedAfterMs ?? 120_000;
  if (stepped)
    out.push({
      ...base,
      type: 'verified',
      at: at(verifiedAt),
      data: {
        cleared: run.verifiedAfterMs !== undefined,
        reason:
          run.verifiedAfterMs !== undefined
            ? 'no real filesystem at 90% or more'
            : 'still failing: / at 99%',
        evidence: [],
        stillMatching: run.verifiedAfterMs !== undefined ? [] : ['disk-full'],
      },
    });
  if (run.rollback) {
    const steps = [{ undoes: 0, action: 'docker-prune-images-undo' }];
    out.push({
      ...base,
      type: 'rolling-back',
      at: at(verifiedAt + 4_000),
      data: { reason: 'verification regressed', steps },
    });
    out.push({
      ...base,
      type: 'rolled-back',
      at: at(verifiedAt + 5_000),
      data: {
        status: run.rollback,
        reason: 'verification regressed',
        steps: steps.map((s) => ({ ...s, outcomes: [] })),
        ...(run.rollback === 'unknown'
          ? { check: 'an earlier attempt stopped while undoing docker-prune-images-undo' }
          : {}),
      },
    });
  }
  if (run.escalated)
    out.push({
      ...base,
      type: 'escalated',
      at: at(verifiedAt + 10_000),
      data: {
        reason: 'verification found the failure still there',
        ...(run.rollback ? { rolledBack: run.rollback } : {}),
      },
    });
  out.push({
    ...base,
    type: 'completed',
    at: at(verifiedAt + 15_000),
    outcome: run.outcome,
    data: {
      executionId: run.executionId,
      outcome: run.outcome,
      runbookId: run.runbookId,
      targets: [TARGET],
      durationMs: verifiedAt + 13_000,
      failed: run.outcome === 'failed',
      decision: null,
      reason: null,
    },
  });
  return out;
}

/**
 * Seven runs and a duplicate: disk-full verified alone after 4 min, verified after 10 min with an
 * approval, escalated; oom-killed rolled back and escalated, verified alone after 2 min;
 * node-not-ready rolled back and escalated; one unclassified. All on 2026-11-2x.
 */
export const OUTCOME_RUNS: readonly RunSpec[] = [
  {
    executionId: 'run-disk-1',
    runbookId: 'disk-full',
    alarmAt: '2026-11-20T09:00:00.000Z',
    outcome: 'remediated',
    verifiedAfterMs: 240_000,
  },
  {
    executionId: 'run-disk-2',
    runbookId: 'disk-full',
    alarmAt: '2026-11-21T09:00:00.000Z',
    outcome: 'remediated',
    verifiedAfterMs: 600_000,
    approvedBy: 'alice',
  },
  {
    executionId: 'run-disk-3',
    runbookId: 'disk-full',
    alarmAt: '2026-11-22T09:00:00.000Z',
    outcome: 'escalated',
    escalated: true,
  },
  {
    executionId: 'run-oom-1',
    runbookId: 'oom-killed',
    alarmAt: '2026-11-23T09:00:00.000Z',
    outcome: 'escalated',
    escalated: true,
    rollback: 'rolled-back',
  },
  {
    executionId: 'run-oom-2',
    runbookId: 'oom-killed',
    alarmAt: '2026-11-24T09:00:00.000Z',
    outcome: 'remediated',
    verifiedAfterMs: 120_000,
  },
  {
    executionId: 'run-node-1',
    runbookId: 'node-not-ready',
    alarmAt: '2026-11-25T09:00:00.000Z',
    outcome: 'escalated',
    escalated: true,
    rollback: 'rolled-back',
  },
  {
    executionId: 'run-none-1',
    runbookId: null,
    alarmAt: '2026-11-26T09:00:00.000Z',
    outcome: 'unclassified',
  },
  {
    executionId: 'run-disk-1-again',
    runbookId: 'disk-full',
    alarmAt: '2026-11-20T09:00:00.000Z',
    outcome: 'skipped',
    duplicate: true,
  },
];

/** A run escalated whose rollback was cut short: its intent recorded, no result (`unknown`). */
export const ROLLBACK_UNKNOWN_RUN: RunSpec = {
  executionId: 'run-oom-3',
  runbookId: 'oom-killed',
  alarmAt: '2026-11-27T09:00:00.000Z',
  outcome: 'escalated',
  escalated: true,
  rollback: 'unknown',
};
