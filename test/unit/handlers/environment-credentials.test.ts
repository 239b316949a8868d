import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultProvider,
  EnvironmentCredentialsError,
} from '../../../lambdas/handlers/bundling/environment-credentials.js';
import {
  CREDENTIAL_CHAIN_PACKAGE,
  ENVIRONMENT_CREDENTIALS_MODULE,
  lambdaBuildOptions,
} from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_ACCOUNT_ID',
] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('the Lambda bundles credential provider (environment only)', () => {
  it('returns the execution role credentials Lambda puts in the environment', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-02T18:00:00Z',
      AWS_ACCOUNT_ID: '123456789012',
    });
    expect(await defaultProvider()()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-12-02T18:00:00Z'),
      accountId: '123456789012',
    });
  });

  it('fails with what to do when the environment has no credentials', async () => {
    for (const k of KEYS) delete process.env[k];
    await expect(defaultProvider()()).rejects.toBeInstanceOf(EnvironmentCredentialsError);
    await expect(defaultProvider()()).rejects.toThrow(/run it in Lambda/);
  });

  it('is the alias of the one Lambda build (CDK, the bench and the size test run it)', () => {
    const alias = lambdaBuildOptions(REPO_ROOT, 'lambdas/handlers/acquire-lock.ts', '/unused')
      .alias![CREDENTIAL_CHAIN_PACKAGE]!;
    expect(alias).toBe(`${REPO_ROOT}/${ENVIRONMENT_CREDENTIALS_MODULE}`);
  });
});
