import { describe, expect, it } from 'vitest';
import {
  JmesPathNotBundledError,
  search,
} from '../../../lambdas/handlers/bundling/jmespath-unused.js';
import {
  JMESPATH_PACKAGES,
  JMESPATH_UNUSED_MODULE,
  lambdaBuildOptions,
} from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

describe('the JMESPath stand-in of the Lambda bundles', () => {
  it('fails an evaluation with what happened and where the keys come from', () => {
    expect(() => search('[executionId]', {})).toThrow(JmesPathNotBundledError);
    expect(() => search('[executionId]', {})).toThrow(
      /JMESPath is not bundled, yet "\[executionId\]" was evaluated: idempotency keys come from lambdas\/handlers\/idempotency-key\.ts; set no eventKeyJmesPath/,
    );
  });

  it('is the alias of both entries Powertools imports, in the one Lambda build', () => {
    const { alias } = lambdaBuildOptions(REPO_ROOT, 'lambdas/handlers/collect.ts', '/unused');
    for (const name of JMESPATH_PACKAGES)
      expect(alias![name]).toBe(`${REPO_ROOT}/${JMESPATH_UNUSED_MODULE}`);
  });
});
