/**
 * The credentials provider port of the AWS adapters, and its STS implementation: a target in the
 * hub's own account and region gets the function's own credentials; a target in a spoke gets the
 * spoke role's (sts:AssumeRole with the ExternalId), cached per account and region until five
 * minutes before they expire, one AssumeRole in flight per spoke however many calls wait on it.
 * STS itself is behind {@link RoleAssumer} (sts-role-assumer.ts), so the handlers can load its
 * client only when a spoke target needs it.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { spokeRoleArn, type AccountRegion } from './spoke-role.js';

/** Client settings for one account and region: its region, and credentials unless the function's own. */
export interface LocatedClientConfig {
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** Where the AWS adapters get the settings of a client for a target's account and region. */
export interface CredentialsProvider {
  /** Settings for `location`; the function's own (region, default credentials) when absent or the hub's own. */
  clientConfigFor(location?: AccountRegion): LocatedClientConfig;
  /** True when `location` is where the function itself runs (or absent). */
  isHub(location?: AccountRegion): boolean;
}

/** One sts:AssumeRole call. */
export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly externalId: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
}

/** Assumes a role (sts:AssumeRole); rejects with STS's error. */
export interface RoleAssumer {
  assumeRole(request: AssumeRoleRequest): Promise<AwsCredentialIdentity>;
}

/** The hub's own account and region and the spoke handshake (from SPOKE_ENV). */
export interface SpokeCredentialsOptions {
  readonly roles: RoleAssumer;
  readonly hubAccount: string;
  /** The function's region (AWS_REGION). */
  readonly hubRegion?: string;
  readonly externalId: string;
  readonly deploymentName?: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Session name the spoke's CloudTrail shows (the function's name). @default 'paramedic' */
  readonly sessionName?: string;
  readonly now?: () => number;
}

/** A spoke role could not be assumed: the spoke stack is missing there, or the ExternalId or trust disagrees. */
export class SpokeRoleError extends Error {
  constructor(
    readonly roleArn: string,
    options: { cause: unknown },
  ) {
    super(
      `could not assume ${roleArn} (${(options.cause as Error)?.message ?? options.cause}); deploy the spoke stack (ParamedicSpoke) to that account and region with the hub's account id and the ExternalId of config spokes.externalId`,
      options,
    );
    this.name = 'SpokeRoleError';
  }
}

/** Credentials are renewed this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** {@link CredentialsProvider} over sts:AssumeRole of the spoke role. */
export class SpokeCredentials implements CredentialsProvider {
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();
  private readonly now: () => number;

  constructor(private readonly options: SpokeCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True for the hub's own account and region: every other account or region is a spoke (its own spoke stack). */
  isHub(location?: AccountRegion): boolean {
    return (
      !location ||
      (location.account === this.options.hubAccount &&
        (this.options.hubRegion === undefined || location.region === this.options.hubRegion))
    );
  }

  /** The function's own settings at the hub; the spoke role's elsewhere. */
  clientConfigFor(location?: AccountRegion): LocatedClientConfig {
    if (!location || this.isHub(location))
      return this.options.hubRegion ? { region: this.options.hubRegion } : {};
    return { region: location.region, credentials: () => this.credentialsOf(location) };
  }

  private credentialsOf(location: AccountRegion): Promise<AwsCredentialIdentity> {
    const key = `${location.account}/${location.region}`;
    const cached = this.cache.get(key);
    if (cached) {
      // A rejected or nearly expired entry is replaced; a pending one is shared.
      const fresh = cached.then(
        (c) =>
          c.expiration && c.expiration.getTime() - REFRESH_BEFORE_MS > this.now() ? c : undefined,
        () => undefined,
      );
      return fresh.then((c) => c ?? this.assume(key, location));
    }
    return this.assume(key, location);
  }

  private assume(key: string, location: AccountRegion): Promise<AwsCredentialIdentity> {
    const roleArn = spokeRoleArn(location, this.options.deploymentName, this.options.partition);
    const pending = this.options.roles
      .assumeRole({
        roleArn,
        externalId: this.options.externalId,
        sessionName: (this.options.sessionName ?? 'paramedic').slice(0, 64),
        durationSeconds: 3600,
      })
      .catch((error: unknown) => {
        throw new SpokeRoleError(roleArn, { cause: error });
      });
    this.cache.set(key, pending);
    return pending;
  }
}

/** The function's own settings for every target: a deployment without spokes. */
export const OWN_CREDENTIALS: CredentialsProvider = {
  clientConfigFor: () => ({}),
  isHub: () => true,
};

/**
 * One SDK client per account and region, created on first use with the provider's settings.
 * @example const ssm = new LocatedClients(provider, (c) => new SSMClient(c)); ssm.for(target)
 */
export class LocatedClients<C> {
  private readonly clients = new Map<string, C>();

  constructor(
    private readonly provider: CredentialsProvider,
    private readonly create: (config: LocatedClientConfig) => C,
  ) {}

  /** The client for `location` (the function's own when absent or the hub's). */
  for(location?: AccountRegion): C {
    const key =
      location && !this.provider.isHub(location) ? `${location.account}/${location.region}` : '';
    let client = this.clients.get(key);
    if (!client) {
      client = this.create(this.provider.clientConfigFor(location));
      this.clients.set(key, client);
    }
    return client;
  }
}
