/**
 * Where an object lives on the wire: the URL of `bucket/key` at S3's regional endpoint
 * (virtual-hosted style, path style for names a TLS certificate cannot cover) or at a custom
 * endpoint such as a local S3 server (path style).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 */

/** A DNS-compatible bucket name without dots: the only kind `*.s3.<region>.amazonaws.com`'s certificate covers. */
const VIRTUAL_HOSTABLE_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The parts of a request URL SigV4 signs and Node sends. */
export interface ObjectUrl {
  readonly protocol: 'https:' | 'http:';
  readonly hostname: string;
  readonly port?: number;
  /** URI-encoded once, as S3 signs it (S3 does not double-encode the path). */
  readonly path: string;
}

/**
 * A key URI-encoded the way S3 signs it: every byte but RFC 3986's unreserved characters,
 * `/` kept as the separator.
 * @example encodeObjectKey('ssm output/a+b.txt') // 'ssm%20output/a%2Bb.txt'
 */
export function encodeObjectKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** S3's DNS suffix in a region (China's regions have their own). */
function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/**
 * The URL of `bucket/key`: `https://<bucket>.s3.<region>.amazonaws.com/<key>`, path style for a
 * bucket with dots, and path style at `endpoint` when one is given.
 * @example objectUrl('evidence', 'a/b.json', 'eu-west-1') // { hostname: 'evidence.s3.eu-west-1.amazonaws.com', path: '/a/b.json', … }
 */
export function objectUrl(
  bucket: string,
  key: string,
  region: string,
  endpoint?: string,
): ObjectUrl {
  const encodedKey = encodeObjectKey(key);
  if (endpoint) {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new TypeError(`S3 endpoint ${endpoint} is not an http(s) URL`);
    const base = url.pathname.replace(/\/+$/, '');
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      path: `${base}/${bucket}/${encodedKey}`,
      ...(url.port ? { port: Number(url.port) } : {}),
    };
  }
  const regional = `s3.${region}.${dnsSuffix(region)}`;
  return VIRTUAL_HOSTABLE_BUCKET.test(bucket)
    ? { protocol: 'https:', hostname: `${bucket}.${regional}`, path: `/${encodedKey}` }
    : { protocol: 'https:', hostname: regional, path: `/${bucket}/${encodedKey}` };
}
