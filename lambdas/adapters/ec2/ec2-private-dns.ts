/** EC2 private DNS names (what EKS names its nodes) resolved to instance ids through DescribeInstances. */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { TargetLocation } from '../../core/workflow/ports.js';

/**
 * Private DNS names over the EC2 API, of the hub or of the target's spoke. Structurally the
 * PrivateDnsDirectory the Auto Scaling directory takes (adapters of two media do not import each other).
 */
export class Ec2PrivateDnsDirectory {
  /** `ec2For` gives the client of a location (the hub's own when absent). */
  constructor(private readonly ec2For: (location?: TargetLocation) => Pick<EC2Client, 'send'>) {}

  async instanceOfPrivateDnsName(
    name: string,
    location?: TargetLocation,
  ): Promise<string | undefined> {
    const out = await this.ec2For(location).send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-dns-name', Values: [name] }] }),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId && i.State?.Name !== 'terminated',
    )?.InstanceId;
  }
}
