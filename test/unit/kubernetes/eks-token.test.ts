import { createHash, createHmac } from 'node:crypto';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createEksToken, EKS_TOKEN_PREFIX, EksTokenSource } from '../../../lambdas/adapters/kubernetes/eks-token.js';
import { EksKubeAccess, KubeAccessError } from '../../../lambdas/adapters/kubernetes/kube-access.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const AT = new Date('2026-11-23T09:00:00Z');
// What aws-iam-authenticator's Verify() accepts as query parameters.
const ALLOWED_KEYS = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders']);

function decode(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const payload = token.slice(EKS_TOKEN_PREFIX.length);
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no '=' padding
  return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 recomputed from the spec with node:crypto, independent of @smithy/signature-v4. */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const q = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const canonical = ['GET', '/', q, `host:${url.host}`, `x-k8s-aws-id:${clusterName}`, '', 'host;x-k8s-aws-id', createHash('sha256').update('').digest('hex')].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const [date, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date!).digest();
  for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('EKS token (aws-iam-authenticator v1 format)', () => {
  it('is a presigned regional STS GetCallerIdentity URL that binds the cluster name', async () => {
    const { token, expiresAt } = await createEksToken({ clusterName: 'shop-prod', region: 'eu-west-1', credentials: creds, now: AT });
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    for (const k of url.searchParams.keys()) expect(ALLOWED_KEYS.has(k.toLowerCase())).toBe(true);
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toContain('x-k8s-aws-id');
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(900);
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261123T090000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20261123/eu-west-1/sts/aws4_request');
    expect(expiresAt.toISOString()).toBe('2026-11-23T09:15:00.000Z');
  });

  it('carries a SigV4 signature that an independent computation reproduces', async () => {
    const { token } = await createEksToken({ clusterName: 'shop-prod', region: 'eu-west-1', credentials: creds, now: AT });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, 'shop-prod', creds.secretAccessKey));
    // Signing for another cluster gives another signature: the name is really signed.
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(expectedSignature(url, 'other-cluster', creds.secretAccessKey));
  });

  it('includes and signs the session token of temporary credentials', async () => {
    const { token } = await createEksToken({ clusterName: 'shop-prod', region: 'us-east-1', credentials: { ...creds, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/special=' }, now: AT });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE//token+with/special=');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, 'shop-prod', creds.secretAccessKey));
  });

  it('is re-signed once older than 13 minutes, never used up to its 15-minute expiry', async () => {
    let now = AT.getTime();
    const source = new EksTokenSource({ clusterName: 'c', region: 'eu-west-1', credentials: creds }, { now: () => new Date(now) });
    const first = await source.get();
    now += 12 * 60_000;
    expect((await source.get()).token).toBe(first.token);
    now += 60_000;
    const second = await source.get();
    expect(second.token).not.toBe(first.token);
    expect(second.signedAt.getTime()).toBe(now);
  });
});

describe('EKS access', () => {
  it('reads endpoint and CA once from DescribeCluster and rebuilds clients when the token is re-signed', async () => {
    const eks = mockClient(EKSClient);
    eks.on(DescribeClusterCommand, { name: 'shop-prod' }).resolves({ cluster: { endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com', certificateAuthority: { data: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') }, status: 'ACTIVE' } });
    let now = AT.getTime();
    const access = new EksKubeAccess({ clusterName: 'shop-prod', region: 'eu-west-1', credentials: creds, eks: new EKSClient({ region: 'eu-west-1' }), clock: { now: () => new Date(now) } });
    const a = await access.clients();
    expect(a.server).toBe('https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com');
    expect(a.kubeConfig.getCurrentUser()?.token).toMatch(/^k8s-aws-v1\./);
    expect(await access.clients()).toBe(a);
    now += 14 * 60_000;
    const b = await access.clients();
    expect(b).not.toBe(a);
    expect(b.kubeConfig.getCurrentUser()?.token).not.toBe(a.kubeConfig.getCurrentUser()?.token);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    eks.restore();
  });

  it('says what to do when the cluster has no endpoint yet', async () => {
    const eks = mockClient(EKSClient);
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'CREATING' } });
    const access = new EksKubeAccess({ clusterName: 'new', region: 'eu-west-1', credentials: creds, eks: new EKSClient({ region: 'eu-west-1' }) });
    await expect(access.clients()).rejects.toThrow(KubeAccessError);
    await expect(access.clients()).rejects.toThrow(/status CREATING.*wait until it is ACTIVE/);
    eks.restore();
  });
});
