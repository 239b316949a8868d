/** EC2 private DNS names (what EKS names its nodes) resolved to instance ids through DescribeInstances. */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

/** Resolves an EC2 private DNS name to its instance. */
export interface PrivateDnsDirectory {
  /** The running (or stopped) instance with this private DNS name; undefined when there is none. */
  instanceOfPrivateDnsName(name: string): Promise<string | undefined>;
}

/** {@link PrivateDnsDirectory} over the EC2 API. */
export class Ec2PrivateDnsDirectory implements PrivateDnsDirectory {
  constructor(private readonly ec2: Pick<EC2Client, 'send'>) {}

  async instanceOfPrivateDnsName(name: string): Promise<string | undefined> {
    const out = await this.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'private-dns-name', Values: [name] }] }),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId && i.State?.Name !== 'terminated',
    )?.InstanceId;
  }
}
