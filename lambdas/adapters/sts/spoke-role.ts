/**
 * The names the hub and its spokes agree on without exchanging anything at deploy time: the spoke
 * role's name (per region, since IAM names are global to an account and one account may hold a
 * spoke stack per region), the SSM output bucket of a spoke, and the variables that hand the hub's
 * functions what they need to assume the spoke role. CDK (cdk/stacks/spoke-stack.ts,
 * cdk/constructs/spoke-access.ts) and the credentials adapter both read them here.
 */

/** Variables of the hub's functions that act in spoke accounts. */
export const SPOKE_ENV = {
  /** The hub's own account id: targets in it use the function's own credentials. */
  hubAccount: 'PARAMEDIC_HUB_ACCOUNT',
  /** The deployment name (empty for none): part of the spoke role and bucket names. */
  deployment: 'PARAMEDIC_DEPLOYMENT',
  /** The ExternalId the spoke role requires. */
  externalId: 'PARAMEDIC_SPOKE_EXTERNAL_ID',
} as const;

/** Where a target lives: an account and a region. */
export interface AccountRegion {
  readonly account: string;
  readonly region: string;
}

/**
 * The spoke role's name in one region.
 * @example spokeRoleName(undefined, 'eu-west-1') // 'paramedic-spoke-eu-west-1'
 */
export function spokeRoleName(deploymentName: string | undefined, region: string): string {
  return `paramedic${deploymentName ? `-${deploymentName}` : ''}-spoke-${region}`;
}

/** The spoke role's ARN (partition `aws` unless given). */
export function spokeRoleArn(
  location: AccountRegion,
  deploymentName: string | undefined,
  partition = 'aws',
): string {
  return `arn:${partition}:iam::${location.account}:role/${spokeRoleName(deploymentName, location.region)}`;
}

/**
 * The spoke's SSM output bucket (at most 63 characters: 9 + 17 + 12 + 14 + 1 for the longest
 * deployment name and region).
 * @example spokeOutputBucketName(undefined, '111111111111', 'eu-west-1') // 'paramedic-ssm-111111111111-eu-west-1'
 */
export function spokeOutputBucketName(
  deploymentName: string | undefined,
  account: string,
  region: string,
): string {
  return `paramedic${deploymentName ? `-${deploymentName}` : ''}-ssm-${account}-${region}`;
}
