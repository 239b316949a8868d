/** Where the S3 object client sends a request: virtual-hosted where S3's certificate covers the bucket, path style elsewhere. */
import { describe, expect, it } from 'vitest';
import { encodeObjectKey, objectUrl } from '../../../lambdas/adapters/s3/s3-object-url.js';

describe('objectUrl', () => {
  it('addresses a DNS-compatible bucket virtual-hosted in its region', () => {
    expect(objectUrl('paramedic-evidence-1', 'evidence/run 1.json', 'eu-west-1')).toEqual({
      protocol: 'https:',
      hostname: 'paramedic-evidence-1.s3.eu-west-1.amazonaws.com',
      path: '/evidence/run%201.json',
    });
  });

  it("uses path style for a bucket with dots (the wildcard certificate does not cover it) and China's DNS suffix there", () => {
    expect(objectUrl('logs.example', 'k', 'us-east-2')).toEqual({
      protocol: 'https:',
      hostname: 's3.us-east-2.amazonaws.com',
      path: '/logs.example/k',
    });
    expect(objectUrl('evidence', 'k', 'cn-north-1').hostname).toBe(
      'evidence.s3.cn-north-1.amazonaws.com.cn',
    );
  });

  it('goes path style to a custom endpoint, keeping its port and base path', () => {
    expect(objectUrl('b', 'a/b', 'eu-west-1', 'http://127.0.0.1:4569/s3/')).toEqual({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4569,
      path: '/s3/b/a/b',
    });
    expect(() => objectUrl('b', 'k', 'eu-west-1', 'ftp://127.0.0.1')).toThrow(
      /not an http\(s\) URL/,
    );
  });
});

describe('encodeObjectKey', () => {
  it('encodes every byte but the unreserved characters, keeping the slashes', () => {
    expect(encodeObjectKey("a b/c+d/(e)!*'~._-/é")).toBe('a%20b/c%2Bd/%28e%29%21%2A%27~._-/%C3%A9');
  });
});
