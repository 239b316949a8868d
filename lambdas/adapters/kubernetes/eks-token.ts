import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Prefix of every EKS bearer token (aws-iam-authenticator's v1 token format). */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header that binds a presigned GetCallerIdentity to one cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** EKS accepts a token for 15 minutes after its X-Amz-Date. */
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** A token is re-signed this long before it expires (aws-iam-authenticator reports 14 of the 15 minutes; one more of margin). */
export const TOKEN_REFRESH_BEFORE_MS = 2 * 60 * 1000;

/** A bearer token and when it was signed. */
export interface EksToken {
  readonly token: string;
  readonly signedAt: Date;
  /**
   * When EKS stops accepting it: signedAt + 15 min, or earlier when the credentials that signed it
   * expire first (an assumed role's session: STS refuses a presigned call once they have expired).
   */
  readonly expiresAt: Date;
}

/** What a token needs: the cluster name, the STS region and AWS credentials. */
export interface EksTokenOptions {
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time; defaults to the current time. */
  readonly now?: Date;
}

/**
 * Builds an EKS bearer token the way `aws eks get-token` and aws-iam-authenticator do: a
 * presigned STS GetCallerIdentity URL (regional endpoint, x-k8s-aws-id signed, 60 s presign
 * expiry), base64url-encoded without padding behind `k8s-aws-v1.`.
 * @see https://github.com/kubernetes-sigs/aws-iam-authenticator#api-authorization-from-outside-a-cluster
 */
export async function createEksToken(options: EksTokenOptions): Promise<EksToken> {
  const hostname = `sts.${options.region}.amazonaws.com`;
  // Resolved here rather than by the signer: the token may live no longer than these credentials.
  const credentials =
    typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
  const signer = new SignatureV4({
    credentials,
    region: options.region,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signedAt = options.now ?? new Date();
  const signed = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: options.clusterName },
    }),
    { expiresIn: 60, signingDate: signedAt },
  );
  const query = Object.entries(signed.query as Record<string, string>)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const token =
    EKS_TOKEN_PREFIX + Buffer.from(`https://${hostname}/?${query}`).toString('base64url');
  const lifetimeEnd = signedAt.getTime() + TOKEN_LIFETIME_MS;
  const expiresAt = new Date(
    Math.min(lifetimeEnd, credentials.expiration?.getTime() ?? lifetimeEnd),
  );
  return { token, signedAt, expiresAt };
}

/** Hands out a token, re-signing it TOKEN_REFRESH_BEFORE_MS before it (or the credentials that signed it) expires. */
export class EksTokenSource {
  private current?: EksToken;

  constructor(
    private readonly options: Omit<EksTokenOptions, 'now'>,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {}

  /** A token valid for at least two more minutes (unless the credentials provider hands out credentials closer to expiry). */
  async get(): Promise<EksToken> {
    const now = this.clock.now();
    if (
      !this.current ||
      now.getTime() >= this.current.expiresAt.getTime() - TOKEN_REFRESH_BEFORE_MS
    ) {
      this.current = await createEksToken({ ...this.options, now });
    }
    return this.current;
  }
}
