import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  createEksToken,
  EKS_TOKEN_PREFIX,
  EksTokenSource,
} from '../../../lambdas/adapters/kubernetes/eks-token.js';
import {
  EksKubeAccess,
  KubeAccessError,
} from '../../../lambdas/adapters/kubernetes/kube-access.js';
import { presignedGetSignature } from '../../support/sigv4.js';

const creds = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const AT = new Date('2026-11-23T09:00:00Z');
// What aws-iam-authenticator's Verify() accepts as query parameters.
const ALLOWED_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

function decode(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const payload = token.slice(EKS_TOKEN_PREFIX.length);
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no '=' padding
  return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** The signature STS would expect for the token's URL with `x-k8s-aws-id: <clusterName>`. */
const expectedSignature = (url: URL, clusterName: string, secret: string): string =>
  presignedGetSignature(url, { 'x-k8s-aws-id': clusterName }, secret);

describe('EKS token (aws-iam-authenticator v1 format)', () => {
  it('is a presigned regional STS GetCallerIdentity URL that binds the cluster name', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'shop-prod',
      region: 'eu-west-1',
      credentials: creds,
      now: AT,
    });
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    for (const k of url.searchParams.keys()) expect(ALLOWED_KEYS.has(k.toLowerCase())).toBe(true);
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toContain('x-k8s-aws-id');
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(900);
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261123T090000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIAIOSFODNN7EXAMPLE/20261123/eu-west-1/sts/aws4_request',
    );
    expect(expiresAt.toISOString()).toBe('2026-11-23T09:15:00.000Z');
  });

  it('carries a SigV4 signature that an independent computation reproduces', async () => {
    const { token } = await createEksToken({
      clusterName: 'shop-prod',
      region: 'eu-west-1',
      credentials: creds,
      now: AT,
    });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'shop-prod', creds.secretAccessKey),
    );
    // Signing for another cluster gives another signature: the name is really signed.
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(
      expectedSignature(url, 'other-cluster', creds.secretAccessKey),
    );
  });

  it('includes and signs the session token of temporary credentials', async () => {
    const { token } = await createEksToken({
      clusterName: 'shop-prod',
      region: 'us-east-1',
      credentials: { ...creds, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/special=' },
      now: AT,
    });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(
      'FwoGZXIvYXdzEXAMPLE//token+with/special=',
    );
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'shop-prod', creds.secretAccessKey),
    );
  });

  it('is re-signed once older than 13 minutes, never used up to its 15-minute expiry', async () => {
    let now = AT.getTime();
    const source = new EksTokenSource(
      { clusterName: 'c', region: 'eu-west-1', credentials: creds },
      { now: () => new Date(now) },
    );
    const first = await source.get();
    now += 12 * 60_000;
    expect((await source.get()).token).toBe(first.token);
    now += 60_000;
    const second = await source.get();
    expect(second.token).not.toBe(first.token);
    expect(second.signedAt.getTime()).toBe(now);
  });
});

describe('EKS token and the credentials that sign it', () => {
  it('expires no later than the assumed-role credentials that signed it', async () => {
    const expiration = new Date(AT.getTime() + 6 * 60_000);
    const { expiresAt } = await createEksToken({
      clusterName: 'c',
      region: 'us-east-2',
      credentials: async () => ({ ...creds, sessionToken: 's', expiration }),
      now: AT,
    });
    expect(expiresAt).toEqual(expiration);
  });

  it('is re-signed, with the credentials the provider gives then, two minutes before its credentials expire', async () => {
    let now = AT.getTime();
    const issued: string[] = [];
    // A provider like the spoke role's: renews its credentials five minutes before they expire.
    let current = {
      ...creds,
      accessKeyId: 'ASIAFIRST',
      sessionToken: 's1',
      expiration: new Date(now + 10 * 60_000),
    };
    const provider = async () => {
      if (current.expiration.getTime() - 5 * 60_000 <= now)
        current = {
          ...creds,
          accessKeyId: `ASIARENEWED${issued.length}`,
          sessionToken: 's2',
          expiration: new Date(now + 60 * 60_000),
        };
      issued.push(current.accessKeyId);
      return current;
    };
    const source = new EksTokenSource(
      { clusterName: 'c', region: 'us-east-2', credentials: provider },
      { now: () => new Date(now) },
    );
    const first = await source.get();
    expect(first.expiresAt.getTime()).toBe(AT.getTime() + 10 * 60_000);
    now += 7 * 60_000; // 3 minutes left on the credentials: the token is still good
    expect((await source.get()).token).toBe(first.token);
    now += 60_000 + 1; // under 2 minutes left: re-signed, by renewed credentials
    const second = await source.get();
    expect(second.token).not.toBe(first.token);
    expect(decode(second.token).searchParams.get('X-Amz-Credential')).toMatch(/^ASIARENEWED/);
    expect(second.expiresAt.getTime()).toBe(now + 15 * 60_000);
  });
});

describe('EKS access', () => {
  it('reads endpoint and CA once from DescribeCluster and rebuilds clients when the token is re-signed', async () => {
    const eks = mockClient(EKSClient);
    eks.on(DescribeClusterCommand, { name: 'shop-prod' }).resolves({
      cluster: {
        endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: {
          data: Buffer.from(
            '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
          ).toString('base64'),
        },
        status: 'ACTIVE',
      },
    });
    let now = AT.getTime();
    const access = new EksKubeAccess({
      clusterName: 'shop-prod',
      region: 'eu-west-1',
      credentials: creds,
      eks: new EKSClient({ region: 'eu-west-1' }),
      clock: { now: () => new Date(now) },
    });
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
    const access = new EksKubeAccess({
      clusterName: 'new',
      region: 'eu-west-1',
      credentials: creds,
      eks: new EKSClient({ region: 'eu-west-1' }),
    });
    await expect(access.clients()).rejects.toThrow(KubeAccessError);
    await expect(access.clients()).rejects.toThrow(/status CREATING.*wait until it is ACTIVE/);
    eks.restore();
  });
});
