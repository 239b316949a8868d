import { describe, expect, it } from 'vitest';
import {
  nodeRemovedBy,
  removedNodesReason,
} from '../../../lambdas/core/kubernetes/node-removal.js';
import type { Node, Taint } from '../../../lambdas/core/kubernetes/types.js';

const tainted = (...taints: Taint[]): Node => ({ spec: { taints } });

describe('which nodes are being removed', () => {
  it("reads Karpenter's disruption taint, v1 and v0.32-v0.37 (only with the value that marks a disruption)", () => {
    expect(nodeRemovedBy(tainted({ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }))).toBe(
      'karpenter',
    );
    expect(
      nodeRemovedBy(
        tainted({ key: 'karpenter.sh/disruption', value: 'disrupting', effect: 'NoSchedule' }),
      ),
    ).toBe('karpenter');
    // The v1beta1 key names the state in its value; another value is not Karpenter's disruption.
    expect(
      nodeRemovedBy(
        tainted({ key: 'karpenter.sh/disruption', value: 'candidate', effect: 'NoSchedule' }),
      ),
    ).toBeUndefined();
    // Karpenter's other taints are not removal: a node not yet registered, a candidate it may disrupt later.
    expect(
      nodeRemovedBy(
        tainted(
          { key: 'karpenter.sh/unregistered', effect: 'NoExecute' },
          { key: 'karpenter.sh/candidate', effect: 'PreferNoSchedule' },
        ),
      ),
    ).toBeUndefined();
  });

  it("reads the Cluster Autoscaler's scale-in taint, whatever its value (a Unix time)", () => {
    expect(
      nodeRemovedBy(
        tainted({
          key: 'ToBeDeletedByClusterAutoscaler',
          value: '1763895600',
          effect: 'NoSchedule',
        }),
      ),
    ).toBe('cluster-autoscaler');
    // Its soft taint on a node it only considers removing is not removal.
    expect(
      nodeRemovedBy(
        tainted({
          key: 'DeletionCandidateOfClusterAutoscaler',
          value: '1763895600',
          effect: 'PreferNoSchedule',
        }),
      ),
    ).toBeUndefined();
  });

  it('reads a deleted Node object (deletionTimestamp), and names the autoscaler when one tainted it too', () => {
    expect(nodeRemovedBy({ metadata: { deletionTimestamp: '2026-11-23T11:00:00Z' } })).toBe(
      'deletion',
    );
    // Karpenter taints, then deletes the Node (its finalizer keeps it until the instance is gone).
    expect(
      nodeRemovedBy({
        metadata: { deletionTimestamp: '2026-11-23T11:00:00Z' },
        spec: { taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }] },
      }),
    ).toBe('karpenter');
  });

  it('does not read a cordon as removal: a person or Paramedic itself cordons a node that stays', () => {
    expect(
      nodeRemovedBy({
        spec: {
          unschedulable: true,
          taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
        },
      }),
    ).toBeUndefined();
    expect(
      nodeRemovedBy(
        tainted(
          { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
        ),
      ),
    ).toBeUndefined();
    expect(nodeRemovedBy({})).toBeUndefined();
  });
});

describe('the line for failing nodes being removed', () => {
  it('says who removes them, names at most 5, and says when none is left', () => {
    const byKarpenter = ['a', 'b', 'c'].map((node) => ({ node, removedBy: 'karpenter' as const }));
    expect(removedNodesReason('shop-prod', byKarpenter, false)).toBe(
      '3 failing nodes of cluster shop-prod are being removed by Karpenter (a, b, c): not targets: their pods move to other nodes, which are targets if they fail; if they failed first, the autoscaler events say why it removed them; a node still there long after is a stuck removal (a finalizer, a pod that will not evict)',
    );
    expect(removedNodesReason('shop-prod', byKarpenter.slice(0, 1), true)).toBe(
      'the only failing node of cluster shop-prod is being removed by Karpenter (a): no targets: nothing is left to collect from or act on, and the alarm should clear once it is gone; if it failed first, the autoscaler events say why it removed it; a node still there long after is a stuck removal (a finalizer, a pod that will not evict)',
    );
    const mixed = [
      ...['n1', 'n2', 'n3', 'n4'].map((node) => ({
        node,
        removedBy: 'cluster-autoscaler' as const,
      })),
      { node: 'n5', removedBy: 'karpenter' as const },
      { node: 'n6', removedBy: 'deletion' as const },
    ];
    expect(removedNodesReason('shop-prod', mixed, true)).toMatch(
      /^all 6 failing nodes of cluster shop-prod are being removed, 4 by the Cluster Autoscaler, 1 by Karpenter and 1 by a delete of the Node object \(n1, n2, n3, n4, n5 and 1 more\): no targets: /,
    );
  });
});
