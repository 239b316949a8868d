/**
 * How every Lambda is bundled: one esbuild build ({@link buildLambda}) run by the house function
 * at synth (CDK local bundling, through {@link bundleLambda}), by the bench (`npm run bench`) and
 * by the bundle-size test, so what they weigh is what deploys.
 *
 * Decisions:
 * - The AWS SDK is bundled, not taken from the runtime. The nodejs22.x runtime ships an SDK v3 of
 *   AWS's choosing that moves under us (today's code is tested against the pinned 3.11xx clients;
 *   a runtime copy can be older, and `@aws-sdk/lib-dynamodb` marshalling and Powertools'
 *   idempotency layer both care). A bundled, minified, tree-shaken SDK also loads faster than
 *   the runtime's many files. Measured in one run (2-core machine, load = import in a fresh
 *   process, ratio to `node -e 0` beside it): Collect bundled 581 KiB / 1.08×, with the SDK left
 *   to the runtime 136 KiB / 3.72×; Verify 782 KiB / 1.79× vs 314 KiB / 4.84×; AcquireLock
 *   263 KiB / 0.70× vs 62 KiB / 2.15×.
 * - ESM with code splitting: a client needed on some paths only (the Kubernetes client for EKS
 *   targets, EC2 for private DNS names, STS for spoke targets) is loaded with `import()`
 *   (lambdas/handlers/ports/lazy-port.ts) into its own chunk, so the cold start loads the entry
 *   and the chunks it imports statically, and an invocation that needs the rest loads it then.
 *   Chunks sit beside `index.mjs` (not in a folder) so `import.meta.url` means the same directory
 *   in every file (runbook-ports.ts finds `runbooks.json` through it).
 * - `module` before `main`, so esbuild tree-shakes the SDK's dist-es builds; no legal comments.
 * - The SDK's default credential chain is replaced by the environment link alone (see
 *   lambdas/handlers/bundling/environment-credentials.ts): in Lambda it is the only link that can
 *   answer, and the others weigh ~95 KiB per function.
 * - Powertools' JMESPath engine is replaced by a stand-in whose `search` throws
 *   (lambdas/handlers/bundling/jmespath-unused.ts). Idempotency imports it statically but evaluates
 *   it only for `eventKeyJmesPath` or `payloadValidationJmesPath`, and Paramedic sets neither: the
 *   key comes from lambdas/handlers/idempotency-key.ts, passed to `makeIdempotent` as the argument
 *   it hashes. The stand-in's `PowertoolsFunctions` is an empty class (IdempotencyConfig builds one
 *   as its default and only `search` would read it), which keeps it at 0.4 KiB; passing
 *   `jmesPathOptions` instead would still need the export. Measured 2026-12-04, eager KiB (-23 in
 *   each idempotent function): CollectSend 332.2 -> 309.2, Collect 352.6 -> 329.5, RequestApproval
 *   324.1 -> 301.1, RemediateStep 298.1 -> 275.2, VerifySend 332.9 -> 309.9, Verify 588.1 -> 565.1,
 *   Escalate 344.5 -> 321.5, Complete 310.2 -> 287.2.
 * - mnemonist's LRU cache is replaced by a `Map`-based one with the same behaviour
 *   (lambdas/handlers/bundling/endpoint-lru-cache.ts). Every DynamoDB client builds one in its
 *   constructor for the SDK's endpoint-discovery cache (`@aws-sdk/endpoint-cache` imports
 *   `mnemonist/lru-cache`, the one specifier aliased), which Paramedic never enables; mnemonist's
 *   typed-array cache and obliterator's iterators weighed ~6.9 KiB in every function. A working
 *   cache, not a stub: a client that adds the discovery middleware reads and writes it. Measured
 *   2026-12-04, eager KiB (-6.2 to -7.0 in every function): RequestApproval 301.1 -> 294.1,
 *   CollectSend 309.2 -> 302.2, VerifySend 309.9 -> 302.9, Collect 329.5 -> 323.3, Escalate
 *   321.5 -> 315.2, Classify 498.1 -> 491.9, Verify 565.1 -> 558.8, AcquireLock 236.1 -> 229.1.
 * - Linked source maps without embedded sources: stack traces map to files and lines
 *   (`--enable-source-maps`), the asset stays small.
 * - The SDK's barrel imports point at their defining files (sdk-barrel-imports.ts). esbuild puts a
 *   file in the chunk of everything that can reach it, and the barrels made every protocol of the
 *   SDK reachable from the entry, so code only a lazy chunk runs sat in the eager one. Measured
 *   2026-12-03, eager KiB: Plan 328 -> 305, Intake 333 -> 310, RemediateStep 343 -> 321, Collect
 *   456 -> 433, Verify 667 -> 644 (17-37 per function; the DynamoDB-only ones lose ~1).
 * - Each SDK command registers the errors its operation models, and the schemas' trait keys are
 *   plain strings (sdk-operation-errors.ts); a client's runtime config imports only its package's
 *   version (sdk-package-version.ts). Both run inside the barrel plugin's `onLoad`. The clients
 *   registered every error of their service at load and wrote traits with computed keys, so the
 *   error classes and schemas of operations a function never calls stayed. Measured 2026-12-03,
 *   eager KiB: Collect 435 -> 362 (SSM 78 -> 15), Verify 648 -> 575, Escalate 377 -> 351,
 *   AcquireLock 250 -> 239.
 * - A barrel that also defines names is served as its re-exports and its own part, so importing
 *   one of its own names reaches no more than that part (sdk-barrel-imports.ts); three SDK imports
 *   used only in async code that other configurations run (adaptive retry, the instance-metadata
 *   region lookup, S3's endpoint parameters) load with `import()` (sdk-lazy-imports.ts). Measured
 *   2026-12-04, eager KiB: RemediateStep 311 -> 300, Collect 366 -> 354, Plan 274 -> 262,
 *   Complete 317 -> 312 (4-12 per function).
 * - The SDK's JavaScript SHA-256 (Sha256Js, ~3 KiB) is left out (sdk-native-sha256.ts): every
 *   client hashes with Sha256Node, which uses it only where node:crypto has no SHA-256, and every
 *   Lambda Node.js runtime has one. Measured 2026-12-05, eager KiB (-2.9 to -3.2 in every
 *   function): Escalate 300.7 -> 297.8, Collect 315.4 -> 312.4, AcquireLock 229.1 -> 226.2.
 * - That plugin needs esbuild's async API, and CDK's local bundling is synchronous: the synth
 *   runs {@link buildLambda} in a child node process ({@link bundleLambda},
 *   lambda-build-process.ts), while the bench and the tests call {@link buildLambda} or
 *   {@link lambdaBuildOptions} directly. One set of options, so what they weigh is what deploys.
 *   The child costs a node start with tsx per function (~0.5 s of a ~3 s build).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { sdkBarrelImports } from './sdk-barrel-imports.js';
import { sdkLazyImports } from './sdk-lazy-imports.js';
import { sdkNativeSha256 } from './sdk-native-sha256.js';
import { chainTransforms, sdkOperationErrors } from './sdk-operation-errors.js';
import { sdkPackageVersion } from './sdk-package-version.js';

/** The package whose default credential chain the bundles replace. */
export const CREDENTIAL_CHAIN_PACKAGE = '@aws-sdk/credential-provider-node';
/** Its stand-in, relative to the repository root. */
export const ENVIRONMENT_CREDENTIALS_MODULE =
  'lambdas/handlers/bundling/environment-credentials.ts';

/** The JMESPath engine the bundles replace; Powertools idempotency imports both entries statically. */
export const JMESPATH_PACKAGES = [
  '@aws-lambda-powertools/jmespath',
  '@aws-lambda-powertools/jmespath/functions',
] as const;
/** Its stand-in, relative to the repository root. */
export const JMESPATH_UNUSED_MODULE = 'lambdas/handlers/bundling/jmespath-unused.ts';

/** The LRU cache module `@aws-sdk/endpoint-cache` imports, which the bundles replace. */
export const LRU_CACHE_MODULE = 'mnemonist/lru-cache';
/** Its stand-in, relative to the repository root. */
export const ENDPOINT_LRU_CACHE_MODULE = 'lambdas/handlers/bundling/endpoint-lru-cache.ts';

/** Some CommonJS dependencies call `require()`; ESM output needs one (in every chunk). */
export const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The Node target of the Lambda runtime (nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/** The bundle's entry file in the asset (the function's handler is `index.handler`). */
export const LAMBDA_ENTRY_FILE = 'index.mjs';

/** esbuild options shared by every Lambda build (no entry, no output). */
export function lambdaEsbuildOptions(repoRoot: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_NODE_TARGET,
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    alias: {
      [CREDENTIAL_CHAIN_PACKAGE]: join(repoRoot, ENVIRONMENT_CREDENTIALS_MODULE),
      ...Object.fromEntries(
        JMESPATH_PACKAGES.map((name) => [name, join(repoRoot, JMESPATH_UNUSED_MODULE)]),
      ),
      [LRU_CACHE_MODULE]: join(repoRoot, ENDPOINT_LRU_CACHE_MODULE),
    },
    plugins: [
      sdkBarrelImports(
        chainTransforms(
          sdkOperationErrors(),
          sdkPackageVersion(),
          sdkLazyImports(),
          sdkNativeSha256(),
        ),
      ),
    ],
  };
}

/** The full build of one handler into `outdir`: `index.mjs`, its chunks and their source maps. */
export function lambdaBuildOptions(
  repoRoot: string,
  entry: string,
  outdir: string,
): BuildOptions & { metafile: true } {
  return {
    ...lambdaEsbuildOptions(repoRoot),
    entryPoints: { index: join(repoRoot, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'error',
  };
}

/** Bundles one handler (`entry` relative to the repository root) into `outdir`; returns esbuild's metafile. */
export async function buildLambda(
  repoRoot: string,
  entry: string,
  outdir: string,
): Promise<Metafile> {
  return (await build(lambdaBuildOptions(repoRoot, entry, outdir))).metafile;
}

/** The script that runs {@link buildLambda} in a child process for {@link bundleLambda}. */
const BUILD_PROCESS_SCRIPT = fileURLToPath(new URL('./lambda-build-process.ts', import.meta.url));

/**
 * {@link buildLambda}, synchronously, because CDK's local bundling is: esbuild's plugins need its
 * async API, so the build runs in a child node process (tsx loads the TypeScript), which prints
 * the metafile. A failed build throws with esbuild's messages.
 */
export function bundleLambda(repoRoot: string, entry: string, outdir: string): Metafile {
  try {
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', BUILD_PROCESS_SCRIPT, JSON.stringify({ repoRoot, entry, outdir })],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return JSON.parse(stdout) as Metafile;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `bundling ${entry} failed${stderr ? `:\n${stderr}` : ` (${(error as Error).message})`}\n` +
        'Fix the error above in the handler or its imports, then run the synth again.',
    );
  }
}
