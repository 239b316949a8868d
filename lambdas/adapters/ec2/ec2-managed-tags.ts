/** Which instances lack the managed tag or are not there, through DescribeInstances (of the hub, or of the target's spoke). */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type {
  ManagedTagDirectory,
  ManagedTagLookup,
  TargetLocation,
} from '../../core/workflow/ports.js';

/**
 * Ids per DescribeInstances. They go in an `instance-id` filter, not in `InstanceIds`: one id EC2
 * does not know fails an `InstanceIds` call whole (InvalidInstanceID.NotFound) while a filter just
 * matches nothing, and `MaxResults` may not be combined with `InstanceIds`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html). EC2 takes
 * at most 200 values per filter in practice (a larger list is refused as a filter limit), so a run's
 * 1,000 targets take 5 calls.
 */
export const IDS_PER_CALL = 200;
/** Instances per page (DescribeInstances allows 5-1,000 with filters); a page always holds a whole call's ids. */
const PAGE_SIZE = 1000;

/** The tag SendCommand's grant requires (deployment config `managedInstanceTag`). */
export interface ManagedInstanceTagValue {
  readonly key: string;
  readonly value: string;
}

/** Instances without the managed tag or not found, looked up with the EC2 client of each target's location. */
export class Ec2ManagedTagDirectory implements ManagedTagDirectory {
  readonly tag: string;
  private readonly key: string;

  /** `ec2For` gives the client of a location (the hub's own when absent, the spoke role's otherwise). */
  constructor(
    private readonly ec2For: (location?: TargetLocation) => Pick<EC2Client, 'send'>,
    private readonly managed: ManagedInstanceTagValue,
  ) {
    this.tag = `${managed.key}=${managed.value}`;
    this.key = managed.key.toLowerCase();
  }

  async lookUp(
    instanceIds: readonly string[],
    location?: TargetLocation,
  ): Promise<ManagedTagLookup> {
    const ec2 = this.ec2For(location);
    const lacking = new Set<string>();
    const described = new Set<string>();
    for (let i = 0; i < instanceIds.length; i += IDS_PER_CALL) {
      const ids = instanceIds.slice(i, i + IDS_PER_CALL);
      let NextToken: string | undefined;
      do {
        const page = await ec2.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: 'instance-id', Values: ids }],
            MaxResults: PAGE_SIZE,
            ...(NextToken ? { NextToken } : {}),
          }),
        );
        for (const instance of page.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
          // A terminated instance lingers up to an hour, then is not described at all: not found either way.
          if (!instance.InstanceId || instance.State?.Name === 'terminated') continue;
          described.add(instance.InstanceId);
          const tagged = instance.Tags?.some(
            // IAM matches condition key names (ssm:resourceTag/<key>) case-insensitively, values exactly.
            (t) => t.Key?.toLowerCase() === this.key && t.Value === this.managed.value,
          );
          if (!tagged) lacking.add(instance.InstanceId);
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    // In the order the targets were given, whatever order EC2 answered in.
    return {
      untagged: instanceIds.filter((id) => lacking.has(id)),
      notFound: instanceIds.filter((id) => !described.has(id)),
    };
  }
}
