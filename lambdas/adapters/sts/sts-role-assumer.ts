/** {@link RoleAssumer} over STS AssumeRole: the only module that imports the STS client. */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AssumeRoleRequest, RoleAssumer } from './spoke-credentials.js';

/** Assumes roles through `sts`. */
export class StsRoleAssumer implements RoleAssumer {
  constructor(private readonly sts: STSClient) {}

  /** The role's temporary credentials (with their expiry); rejects when STS refuses or answers none. */
  async assumeRole(request: AssumeRoleRequest): Promise<AwsCredentialIdentity> {
    const out = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        ExternalId: request.externalId,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }
}
