/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias set in
 * cdk/constructs/lambda-bundling.ts). Inside Lambda the execution role's credentials are always in
 * the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and the SDK's
 * default chain takes them from there first; its other links (ini files, SSO, STS web identity,
 * IMDS, process) can never answer in Lambda, yet bundle ~95 KiB of nested STS/SSO clients and
 * XML/query protocols into every function and slow its cold start. This keeps only the first link.
 * It is never used outside the Lambda bundles: the CLI and the tests resolve the real package.
 */

/** What the SDK passes to the provider factory (only the logger is read). */
interface ProviderInit {
  readonly logger?: { debug?: (message: string) => void };
}

/** Credentials from the environment variables Lambda sets for the execution role. */
export interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly credentialScope?: string;
  readonly accountId?: string;
}

/** The credentials are not in the environment: this code runs outside Lambda or the role is missing. */
export class EnvironmentCredentialsError extends Error {
  /** The SDK retries other providers only when this is false; there are none here. */
  readonly tryNextLink = false;
  constructor() {
    super(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: this bundle reads credentials only from the environment, as Lambda provides them; run it in Lambda (or set them)',
    );
    this.name = 'EnvironmentCredentialsError';
  }
}

/** Same signature as the SDK's `defaultProvider`: a factory of an async credential provider. */
export function defaultProvider(init: ProviderInit = {}): () => Promise<EnvironmentCredentials> {
  return async () => {
    init.logger?.debug?.('paramedic environment-credentials provider');
    const env = process.env;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new EnvironmentCredentialsError();
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(env.AWS_CREDENTIAL_EXPIRATION
        ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) }
        : {}),
      ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
      ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
    };
  };
}
