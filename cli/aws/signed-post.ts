/**
 * POSTs JSON to an IAM-authenticated Lambda function URL, signed with SigV4 (service `lambda`) by
 * your usual credential chain, and returns the HTTP status and text. Only `--aws` commands load it.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** What signs the request: credentials and the region the URL lives in. */
export interface SigningIdentity {
  readonly credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  readonly region: string;
}

/** The region of a function URL (`https://<id>.lambda-url.<region>.on.aws/`), or undefined for any other host. */
export function regionOfFunctionUrl(url: URL): string | undefined {
  return /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1];
}

/** Sends `body` as a signed `POST` to `url`; the answer's status and text (never throws on a non-2xx status). */
export async function postSignedJson(
  url: URL,
  body: unknown,
  signer: SigningIdentity,
): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname || '/',
    ...(url.port ? { port: Number(url.port) } : {}),
    // The host header must be the one the client sends (with a non-default port), or the signature fails.
    headers: { 'content-type': 'application/json', host: url.host },
    body: payload,
  });
  const signed = await new SignatureV4({
    service: 'lambda',
    region: signer.region,
    credentials: signer.credentials,
    sha256: Hash.bind(null, 'sha256'),
  }).sign(request);
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: payload,
    redirect: 'error',
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, text: await response.text() };
}
