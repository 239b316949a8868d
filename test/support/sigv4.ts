/**
 * SigV4 recomputed from the specification with node:crypto, independent of @smithy/signature-v4:
 * what the local AWS endpoints and the local Kubernetes API server check signatures with (as STS
 * does for the presigned GetCallerIdentity behind an EKS token).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding, as SigV4 wants it. */
export const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Hex SHA-256. */
export const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

/** What a signature covers. */
export interface SignedParts {
  readonly method: string;
  /** The path as sent (already encoded). */
  readonly path: string;
  /** Query parameters (decoded), without X-Amz-Signature. */
  readonly query: readonly (readonly [string, string])[];
  /** The signed headers, names lower-case, in the order of the SignedHeaders list. */
  readonly headers: readonly (readonly [string, string])[];
  readonly payloadHash: string;
  /** `X-Amz-Date` (yyyymmddThhmmssZ). */
  readonly amzDate: string;
  /** `<date>/<region>/<service>/aws4_request`. */
  readonly scope: string;
  readonly secret: string;
}

/** The hex signature of a request. */
export function sigv4Signature(p: SignedParts): string {
  const query = p.query
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = p.headers.map(([k, v]) => `${k}:${v.trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [
    p.method,
    p.path,
    query,
    headers,
    p.headers.map(([k]) => k).join(';'),
    p.payloadHash,
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', p.amzDate, p.scope, sha256Hex(canonical)].join('\n');
  const [date, region, service] = p.scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${p.secret}`).update(date!).digest();
  for (const part of [region!, service!, 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

/** The signature a presigned GET URL should carry, given the values of the headers it signs other than host. */
export function presignedGetSignature(
  url: URL,
  headerValues: Readonly<Record<string, string>>,
  secret: string,
): string {
  const signed = url.searchParams.get('X-Amz-SignedHeaders')!.split(';');
  return sigv4Signature({
    method: 'GET',
    path: url.pathname,
    payloadHash: sha256Hex(''),
    secret,
    query: [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature'),
    headers: signed.map((h) => [h, h === 'host' ? url.host : (headerValues[h] ?? '')] as const),
    amzDate: url.searchParams.get('X-Amz-Date')!,
    scope: url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/'),
  });
}
