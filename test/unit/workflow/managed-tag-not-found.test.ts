/**
 * Found by review (the defect, now fixed): an instance target DescribeInstances does not find (another account or region than the
 * alarm says, a mistyped --target, an id EC2 no longer lists) is neither untagged nor tagged, but
 * the check reports every instance "carries the managed tag": a false all-clear for an instance
 * SendCommand will refuse (InvalidInstanceId) at Collect.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { Ec2ManagedTagDirectory } from '../../../lambdas/adapters/ec2/ec2-managed-tags.js';
import { checkManagedTag } from '../../../lambdas/core/workflow/managed-tag-check.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';

describe('the managed tag check on an instance EC2 does not list', () => {
  it('does not say the instance carries the tag', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const directory = new Ec2ManagedTagDirectory(() => new EC2Client({ region: 'eu-west-1' }), {
      key: 'paramedic:managed',
      value: 'true',
    });
    const check = await checkManagedTag(
      [{ id: 'i-0a1b2c3d4e5f60718', platform: 'docker' } as Target],
      directory,
      awsErrorWording,
    );
    expect(check!.message).not.toMatch(/carry the managed tag/);
    ec2.restore();
  });
});
