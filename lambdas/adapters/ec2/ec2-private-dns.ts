/** EC2 private DNS names (what EKS names its nodes) resolved to instance ids through DescribeInstances. */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { TargetLocation } from '../../core/workflow/ports.js';
import { clientIn, type ClientIn } from '../autoscaling/auto-scaling-directory.js';

/** Resolves an EC2 private DNS name to its instance. */
export interface PrivateDnsDirectory {
  /** The running (or stopped) instance with this private DNS name (in the target's account and region); undefined when there is none. */
  instanceOfPrivateDnsName(name: string, location?: TargetLocation): Promise<string | undefined>;
}

/** {@link PrivateDnsDirectory} over the EC2 API, of the hub or of the target's spoke. */
export class Ec2PrivateDnsDirectory implements PrivateDnsDirectory {
  constructor(private readonly ec2: ClientIn<Pick<EC2Client, 'send'>>) {}

  async instanceOfPrivateDnsName(name: string, location?: TargetLocation): Promise<string | undefined> {
    const out = await clientIn(this.ec2, location).send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-dns-name', Values: [name] }] }),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId && i.State?.Name !== 'terminated',
    )?.InstanceId;
  }
}
