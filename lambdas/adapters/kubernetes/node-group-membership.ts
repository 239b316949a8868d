/**
 * The EKS node group of a node target, through the cluster's API: the node's
 * `eks.amazonaws.com/nodegroup` label, every node with the same label, and which of them are out
 * of service now (cordoned, or not Ready). Members are named as the workflow names node targets:
 * their EC2 instance id (providerID), or the node name when there is none.
 */
import type { V1Node } from '@kubernetes/client-node';
import { instanceIdFromProviderId } from '../../core/kubernetes/alarm-targets.js';
import type { Target } from '../../core/workflow/model.js';
import type { GroupMembership, TargetGroup } from '../../core/workflow/ports.js';
import { targetLocation } from '../../core/workflow/target-location.js';
import type { KubeAccessFor } from './eks-access-for.js';
import { listAllPages } from './paged-list.js';

/** The label EKS managed node groups put on their nodes. */
export const NODEGROUP_LABEL = 'eks.amazonaws.com/nodegroup';

const memberId = (node: V1Node): string =>
  instanceIdFromProviderId(node.spec?.providerID) ?? node.metadata?.name ?? '';

function outOfService(node: V1Node): string | undefined {
  if (node.spec?.unschedulable) return 'cordoned';
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? undefined : `Ready=${ready?.status ?? 'unknown'}`;
}

/** {@link GroupMembership} of EKS node targets (others: undefined, for the next source to answer). */
export class NodeGroupMembership implements GroupMembership {
  constructor(private readonly accessFor: KubeAccessFor) {}

  /** The node group of the target's node; a read that fails throws (the precondition then cannot decide). */
  async groupOf(target: Target): Promise<TargetGroup | undefined> {
    if (!target.cluster || !target.node) return undefined;
    const c = await this.accessFor(target.cluster, targetLocation(target)).clients();
    const node = await c.core.readNode({ name: target.node });
    const nodegroup = node.metadata?.labels?.[NODEGROUP_LABEL];
    if (!nodegroup) return undefined;
    const list = await listAllPages<V1Node>((page) =>
      c.core.listNode({ labelSelector: `${NODEGROUP_LABEL}=${nodegroup}`, ...page }),
    );
    // A cut list would understate the group's share out of service: better undecided than wrong.
    if (list.cut) throw new Error(`node group ${nodegroup} of ${target.cluster}: ${list.cut}`);
    const members = list.items.map(memberId).filter(Boolean);
    const out = Object.fromEntries(
      list.items.flatMap((n) => {
        const why = outOfService(n);
        return why ? [[memberId(n), why]] : [];
      }),
    );
    return {
      kind: 'node-group',
      name: `${target.cluster}/${nodegroup}`,
      members,
      outOfService: out,
    };
  }
}
