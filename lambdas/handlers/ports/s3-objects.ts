/**
 * The S3 object client of a function (the evidence bucket, results kept by reference, SSM's full
 * output), configured as Lambda configures the SDK's clients: the region from AWS_REGION, the
 * execution role's credentials from the environment (or a spoke role's, for a spoke's bucket),
 * and the SDK's endpoint and attempts variables (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,
 * AWS_MAX_ATTEMPTS), which the tests use to point it at a local S3 server.
 */
import { S3ObjectClient } from '../../adapters/s3/s3-object-client.js';
import type { LocatedClientConfig } from '../../adapters/sts/spoke-credentials.js';
import { defaultProvider } from '../bundling/environment-credentials.js';
import { HandlerEnvironmentError } from '../handler-environment.js';

let shared: { readonly env: NodeJS.ProcessEnv; readonly client: S3ObjectClient } | undefined;

/**
 * The client for the function's own buckets (one per cold start, shared by the ports so they share
 * its kept-alive connections), or a new one for `config`'s account and region (a spoke's).
 */
export function s3ObjectsFrom(
  env: NodeJS.ProcessEnv,
  config?: LocatedClientConfig,
): S3ObjectClient {
  if (config) return s3ObjectClient(env, config);
  if (shared?.env !== env) shared = { env, client: s3ObjectClient(env, {}) };
  return shared.client;
}

function s3ObjectClient(env: NodeJS.ProcessEnv, config: LocatedClientConfig): S3ObjectClient {
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  return new S3ObjectClient({
    // Without a region every S3 call fails with the reason, where the step records it; the cold start does not.
    region:
      region ??
      (() =>
        Promise.reject(
          new HandlerEnvironmentError('AWS_REGION', 'is not set (Lambda sets it; so must a test)'),
        )),
    credentials: config.credentials ?? defaultProvider(),
    ...(endpoint ? { endpoint } : {}),
    ...(maxAttempts >= 1 ? { maxAttempts } : {}),
  });
}
