/**
 * Expands targets through the AWS APIs: an alarm's AutoScalingGroupName into the group's InService
 * instances, an EC2 private DNS name (what EKS names its nodes) into its instance. EKS node names
 * resolve through the alarm's own InstanceId dimension (Container Insights sends it); without it
 * the node is addressed by name and host actions are not planned for it.
 */
import {
  DescribeAutoScalingGroupsCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import type { TargetDirectory, TargetLocation } from '../../core/workflow/ports.js';

/** Resolves an EC2 private DNS name to its instance (adapters/ec2/ec2-private-dns.ts over EC2). */
export interface PrivateDnsDirectory {
  /** The running (or stopped) instance with this private DNS name (in the target's account and region); undefined when there is none. */
  instanceOfPrivateDnsName(name: string, location?: TargetLocation): Promise<string | undefined>;
}

/** A client, or one per account and region (core/workflow/target-location.ts; adapters/sts/spoke-credentials.ts). */
export type ClientIn<C> = C | { for(location?: TargetLocation): C };

/** The client of a location from a located set (or the one client). */
export function clientIn<C extends object>(clients: ClientIn<C>, location?: TargetLocation): C {
  return 'for' in clients && typeof clients.for === 'function'
    ? (clients as { for(l?: TargetLocation): C }).for(location)
    : (clients as C);
}

/** TargetDirectory over the Auto Scaling and EC2 APIs (of the target's account and region when it has one). */
export class AutoScalingDirectory implements TargetDirectory {
  /** `privateDns` answers private DNS names (EC2; none: they stay unresolved). */
  constructor(
    private readonly autoscaling: ClientIn<AutoScalingClient>,
    private readonly privateDns?: PrivateDnsDirectory,
  ) {}

  /** InService instances of the group (none when the group is unknown). */
  async instancesOfGroup(name: string, location?: TargetLocation): Promise<readonly string[]> {
    const out = await clientIn(this.autoscaling, location).send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    return (out.AutoScalingGroups?.[0]?.Instances ?? [])
      .filter((i) => i.LifecycleState === 'InService' && i.InstanceId)
      .map((i) => i.InstanceId!);
  }

  /** Not resolvable through Auto Scaling alone; see the module comment. */
  async instanceOfNode(): Promise<string | undefined> {
    return undefined;
  }

  /** The running (or stopped) instance with this private DNS name. */
  async instanceOfPrivateDnsName(
    name: string,
    location?: TargetLocation,
  ): Promise<string | undefined> {
    return this.privateDns?.instanceOfPrivateDnsName(name, location);
  }
}
