/**
 * Where a target lives when a hub deployment acts on spoke accounts: an account and a region,
 * written before a target as `aws://<account>/<region>/<target>` (CDK's environment syntax), or
 * taken from the `account`/`region` of the alarm event that named it. The AWS adapters act in that
 * account through the spoke role; without a location they act in their own.
 */
import type { Target } from './model.js';
import type { TargetLocation } from './ports.js';

/** A 12-digit account id. */
export const ACCOUNT_PATTERN = /^\d{12}$/;
/** An AWS region name (`eu-west-1`, `us-gov-west-1`). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** True when two locations (either absent: the hub's own) are the same account and region. */
export const sameLocation = (a?: TargetLocation, b?: TargetLocation): boolean =>
  a?.account === b?.account && a?.region === b?.region;

/** The location of a well-formed account and region, or undefined (an alarm without them, a malformed value). */
export function locationOf(
  account: string | undefined,
  region: string | undefined,
): TargetLocation | undefined {
  return account && region && ACCOUNT_PATTERN.test(account) && REGION_PATTERN.test(region)
    ? { account, region }
    : undefined;
}

/**
 * Splits `aws://<account>/<region>/<rest>` into its location and the rest; other strings are returned whole.
 * @example splitLocation('aws://111111111111/eu-west-1/i-0abc12345678') // { location: {…}, rest: 'i-0abc12345678' }
 */
export function splitLocation(target: string): {
  readonly location?: TargetLocation;
  readonly rest: string;
} {
  const m = /^aws:\/\/(\d{12})\/([a-z0-9-]+)\/(.+)$/.exec(target);
  const location = m ? locationOf(m[1], m[2]) : undefined;
  return location ? { location, rest: m![3]! } : { rest: target };
}

/** `aws://<account>/<region>/` for a location, '' for none. */
export function locationPrefix(location: TargetLocation | undefined): string {
  return location ? `aws://${location.account}/${location.region}/` : '';
}

/** The location of a target, when it has one. */
export function targetLocation(
  target: Pick<Target, 'account' | 'region'>,
): TargetLocation | undefined {
  return locationOf(target.account, target.region);
}

/** The `locations` of a command request: each located target's account and region (undefined when none is located). */
export function commandLocations(
  targets: readonly Target[],
): Record<string, TargetLocation> | undefined {
  const located = targets.flatMap((t) => {
    const l = targetLocation(t);
    return l ? [[t.id, l] as const] : [];
  });
  return located.length ? Object.fromEntries(located) : undefined;
}
