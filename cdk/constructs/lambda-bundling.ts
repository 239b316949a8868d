/**
 * How every Lambda is bundled: one definition read by the house function (CDK's esbuild run) and
 * by the bench (`npm run bench`, which bundles the same way and weighs the result).
 *
 * Decisions:
 * - The AWS SDK is bundled, not taken from the runtime. The nodejs22.x runtime ships an SDK v3 of
 *   AWS's choosing that moves under us (today's code is tested against the pinned 3.11xx clients;
 *   a runtime copy can be older, and `@aws-sdk/lib-dynamodb` marshalling and Powertools'
 *   idempotency layer both care). A bundled, minified, tree-shaken SDK also loads faster than
 *   the runtime's many files. Measured in one run (2-core machine, load = import in a fresh
 *   process, ratio to `node -e 0` beside it): Collect bundled 581 KiB / 1.08×, with the SDK left
 *   to the runtime 136 KiB / 3.72×; Verify 782 KiB / 1.79× vs 314 KiB / 4.84×; AcquireLock
 *   263 KiB / 0.70× vs 62 KiB / 2.15×. Cold start is what an execution pays, the size only a
 *   proxy for it, so the SDK stays bundled even where that keeps a multi-client function over
 *   300 KiB: the SDK parts of Collect alone (@smithy/core 135, S3 98, SSM 79, @aws-sdk/core 33,
 *   DynamoDB 31 KiB) are above it.
 * - ESM, `module` before `main`, so esbuild tree-shakes the SDK's dist-es builds.
 * - The SDK's default credential chain is replaced by the environment link alone (see
 *   lambdas/handlers/bundling/environment-credentials.ts): in Lambda it is the only link that can
 *   answer, and the others weigh ~95 KiB per function.
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** The package whose default credential chain the bundles replace. */
export const CREDENTIAL_CHAIN_PACKAGE = '@aws-sdk/credential-provider-node';
/** Its stand-in, relative to the repository root (esbuild resolves aliases from its working directory). */
export const ENVIRONMENT_CREDENTIALS_MODULE =
  './lambdas/handlers/bundling/environment-credentials.ts';

/** Some CommonJS dependencies call `require()` (X-Ray, cls-hooked); ESM output needs one. */
export const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The Node target of the Lambda runtime (nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/** Options for esbuild's JS API that reproduce the house function's bundle (the bench uses them). */
export function lambdaEsbuildOptions(repoRoot: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_NODE_TARGET,
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    alias: { [CREDENTIAL_CHAIN_PACKAGE]: join(repoRoot, ENVIRONMENT_CREDENTIALS_MODULE) },
  };
}

/** The same alias as a CDK `esbuildArgs` entry (NodejsFunction runs esbuild in the project root). */
export const LAMBDA_ESBUILD_ARGS: Readonly<Record<string, string>> = {
  [`--alias:${CREDENTIAL_CHAIN_PACKAGE}`]: ENVIRONMENT_CREDENTIALS_MODULE,
};
