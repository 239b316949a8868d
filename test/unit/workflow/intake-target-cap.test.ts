import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import type { ClusterPort } from '../../../lambdas/core/workflow/ports.js';
import { memoryState } from '../../support/memory-state-store.js';

const alarm = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test/fixtures/alarms/eks-cluster-failed-nodes.json'), 'utf8'),
);

/** A cluster whose `failing` nodes all fail, least healthy first. */
const failingCluster = (failing: number) =>
  ({
    resolve: async () => ({
      targets: Array.from({ length: failing }, (_, i) => ({
        kind: 'node' as const,
        cluster: 'shop-prod',
        node: `n-${i}`,
        instanceId: `i-${(0x10000000000 + i).toString(16).padStart(17, '0')}`,
      })),
      unresolved: [],
    }),
  }) as unknown as ClusterPort;

describe('Intake: more targets than maxTargetsPerExecution', () => {
  it('keeps the first ones and says on the triggered entry how many more there were, so no failing node is dropped without a word', async () => {
    const entries: { type: string; data: Record<string, unknown> }[] = [];
    const ports = {
      audit: { append: async (e: never) => entries.push(e) },
      state: memoryState(),
      rulebook: { runbooks: [] } as never,
      config: resolveWorkflowConfig({ eksClusters: ['shop-prod'], maxTargetsPerExecution: 2 }),
      cluster: failingCluster(5),
      errorWording: awsErrorWording,
    };
    const result = await runIntake(
      { executionId: 'exec-cap', state: alarm } as never,
      ports as never,
      { now: () => new Date('2026-11-23T11:02:40Z') },
    );
    expect(result.targets.map((t) => t.node)).toEqual(['n-0', 'n-1']);
    const triggered = entries.find((e) => e.type === 'triggered')!;
    expect(triggered.data.unresolved).toEqual([
      {
        dimensions: {},
        reason:
          'the alarm names 5 targets, more than maxTargetsPerExecution (2): this run has the first 2',
      },
    ]);
  });
});
