/**
 * Stands in for `@aws-lambda-powertools/jmespath` (and its `/functions`) in the Lambda bundles (an
 * esbuild alias set in cdk/constructs/lambda-bundling.ts). Powertools idempotency imports the
 * engine statically but evaluates it only for `eventKeyJmesPath` and `payloadValidationJmesPath`;
 * Paramedic sets neither (the key comes from lambdas/handlers/idempotency-key.ts), so ~23 KiB of
 * parser and functions loaded at every cold start of the idempotent functions for nothing. If
 * something does evaluate JMESPath in a bundle, it fails loudly here instead of answering wrongly.
 * It is never used outside the Lambda bundles: the CLI and the tests resolve the real package.
 */

/** A JMESPath expression was evaluated in a bundle that does not carry the engine. */
export class JmesPathNotBundledError extends Error {
  constructor(expression: string) {
    super(
      `JMESPath is not bundled, yet "${expression}" was evaluated: idempotency keys come from ` +
        'lambdas/handlers/idempotency-key.ts; set no eventKeyJmesPath or payloadValidationJmesPath ' +
        '(or remove the @aws-lambda-powertools/jmespath alias in cdk/constructs/lambda-bundling.ts)',
    );
    this.name = 'JmesPathNotBundledError';
  }
}

/** Same signature as the package's `search`; always throws {@link JmesPathNotBundledError}. */
export function search(expression: string, _data?: unknown, _options?: unknown): never {
  throw new JmesPathNotBundledError(expression);
}

/** IdempotencyConfig builds one as its default custom functions; only `search` would call them. */
export class PowertoolsFunctions {}
