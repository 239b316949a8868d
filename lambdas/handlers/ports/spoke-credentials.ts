/**
 * The credentials provider the AWS port factories share in one function: the spoke role's
 * credentials for targets in spoke accounts when the stack configured spokes (SPOKE_ENV, set by
 * cdk/constructs/spoke-access.ts), the function's own otherwise. The STS client is a lazy port
 * in its own chunk: it loads on the first spoke target, never for a hub-only deployment.
 */
import {
  OWN_CREDENTIALS,
  SpokeCredentials,
  type CredentialsProvider,
  type RoleAssumer,
} from '../../adapters/sts/spoke-credentials.js';
import { SPOKE_ENV } from '../../adapters/sts/spoke-role.js';
import { lazyPort } from './lazy-port.js';

let shared: { readonly env: NodeJS.ProcessEnv; readonly provider: CredentialsProvider } | undefined;

/** The provider for this environment (one per cold start, so every port shares its cached credentials). */
export function credentialsProviderFrom(env: NodeJS.ProcessEnv): CredentialsProvider {
  if (shared?.env === env) return shared.provider;
  const externalId = env[SPOKE_ENV.externalId];
  const hubAccount = env[SPOKE_ENV.hubAccount];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const provider =
    externalId && hubAccount
      ? new SpokeCredentials({
          roles: lazyPort<RoleAssumer>(async () =>
            (await import('./sts-role-assumer-client.js')).stsRoleAssumer(region),
          ),
          hubAccount,
          externalId,
          ...(region ? { hubRegion: region } : {}),
          ...(env[SPOKE_ENV.deployment] ? { deploymentName: env[SPOKE_ENV.deployment] } : {}),
          ...(env.AWS_LAMBDA_FUNCTION_NAME ? { sessionName: env.AWS_LAMBDA_FUNCTION_NAME } : {}),
        })
      : OWN_CREDENTIALS;
  shared = { env, provider };
  return provider;
}
