/**
 * The Auto Scaling group of an instance target (EKS managed node groups are Auto Scaling groups
 * too): DescribeAutoScalingInstances names the group, DescribeAutoScalingGroups lists its members
 * with their lifecycle state; a member not InService (Pending, Standby, Terminating, …) is out of
 * service. In the target's account and region when it has one.
 */
import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import type { Target } from '../../core/workflow/model.js';
import type { GroupMembership, TargetGroup } from '../../core/workflow/ports.js';
import { targetLocation } from '../../core/workflow/target-location.js';
import { clientIn, type ClientIn } from './auto-scaling-directory.js';

/** The IAM actions this adapter calls (CDK grants exactly these). */
export const GROUP_MEMBERSHIP_IAM_ACTIONS = [
  'autoscaling:DescribeAutoScalingInstances',
  'autoscaling:DescribeAutoScalingGroups',
] as const;

/** {@link GroupMembership} over the Auto Scaling API. */
export class AutoScalingGroupMembership implements GroupMembership {
  constructor(private readonly autoscaling: ClientIn<AutoScalingClient>) {}

  /** The instance's group, or undefined when it is in none. */
  async groupOf(target: Target): Promise<TargetGroup | undefined> {
    if (!target.instanceId) return undefined;
    const client = clientIn(this.autoscaling, targetLocation(target));
    const found = await client.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [target.instanceId] }),
    );
    const name = found.AutoScalingInstances?.[0]?.AutoScalingGroupName;
    if (!name) return undefined;
    const out = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    const instances = (out.AutoScalingGroups?.[0]?.Instances ?? []).filter((i) => i.InstanceId);
    return {
      kind: 'auto-scaling-group',
      name,
      members: instances.map((i) => i.InstanceId!),
      outOfService: Object.fromEntries(
        instances
          .filter((i) => i.LifecycleState !== 'InService')
          .map((i) => [i.InstanceId!, String(i.LifecycleState ?? 'unknown')]),
      ),
    };
  }
}
