/**
 * Expands an alarm's AutoScalingGroupName into the group's InService instances. EKS node names
 * resolve through the alarm's own InstanceId dimension (Container Insights sends it); without it
 * the node is addressed by name and host actions are not planned for it.
 */
import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { TargetDirectory } from '../../handlers/workflow-tasks.js';

/** TargetDirectory over the Auto Scaling API. */
export class AutoScalingDirectory implements TargetDirectory {
  constructor(private readonly autoscaling: AutoScalingClient) {}

  /** InService instances of the group (none when the group is unknown). */
  async instancesOfGroup(name: string): Promise<readonly string[]> {
    const out = await this.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    return (out.AutoScalingGroups?.[0]?.Instances ?? [])
      .filter((i) => i.LifecycleState === 'InService' && i.InstanceId)
      .map((i) => i.InstanceId!);
  }

  /** Not resolvable through Auto Scaling alone; see the module comment. */
  async instanceOfNode(): Promise<string | undefined> {
    return undefined;
  }
}
