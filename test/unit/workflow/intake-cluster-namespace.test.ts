import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import type { ClusterPort } from '../../../lambdas/core/workflow/ports.js';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { memoryState } from '../../support/memory-state-store.js';

const alarm = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/alarms', name), 'utf8'));
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

/** Intake with `shop-prod` configured as an EKS cluster whose one failing node is NODE; records what the cluster was asked. */
async function intake(event: unknown) {
  const entries: { type: string; data: Record<string, unknown> }[] = [];
  const asked: unknown[] = [];
  const cluster = {
    resolve: async (sets: unknown) => {
      asked.push(sets);
      return {
        targets: [
          {
            kind: 'node' as const,
            cluster: 'shop-prod',
            node: NODE,
            instanceId: 'i-0a1b2c3d4e5f60701',
          },
        ],
        unresolved: [],
      };
    },
  } as unknown as ClusterPort;
  const ports = {
    audit: { append: async (e: never) => entries.push(e) },
    state: memoryState(),
    rulebook: { runbooks: [] } as never,
    // The ECS fixture's alarm is `shop-…`: admitted here, this test is about its namespace.
    config: resolveWorkflowConfig({
      eksClusters: ['shop-prod'],
      alarmNamePrefixes: ['paramedic-', 'shop-'],
    }),
    cluster,
    errorWording: awsErrorWording,
  };
  const result = await runIntake(
    { executionId: 'exec-ns', state: event } as never,
    ports as never,
    {
      now: () => new Date('2026-11-23T11:02:40Z'),
    },
  );
  return { result, asked, triggered: entries.find((e) => e.type === 'triggered')! };
}

describe('Intake: ClusterName alone of a configured EKS cluster name, by namespace', () => {
  it('an AWS/ECS alarm on an ECS cluster of the same name has no target, says why, and calls no cluster', async () => {
    const { result, asked, triggered } = await intake(alarm('ecs-cluster-cpu-reservation.json'));

    expect(result.targets).toEqual([]);
    expect(asked).toEqual([]);
    expect(triggered.data.unresolved).toEqual([
      {
        dimensions: { ClusterName: 'shop-prod' },
        reason:
          'AWS/ECS names ECS cluster shop-prod, not an EKS cluster: Paramedic acts on EC2 instances, Auto Scaling groups and EKS nodes and pods',
      },
    ]);
  });

  it('the same dimensions from ContainerInsights still reach the EKS cluster’s failing nodes', async () => {
    const { result, asked, triggered } = await intake(alarm('eks-cluster-failed-nodes.json'));

    expect(asked).toEqual([[{ ClusterName: 'shop-prod' }]]);
    expect(result.targets).toEqual([
      expect.objectContaining({ platform: 'eks', cluster: 'shop-prod', node: NODE }),
    ]);
    expect(triggered.data.unresolved).toBeUndefined();
  });
});
