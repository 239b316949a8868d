#!/usr/bin/env node
/**
 * Compiles the `paramedic` command to dist/cli (run by `npm ci` through the `prepare` script, by
 * `npm run build`, and before the tests). esbuild bundles cli/main.ts as ESM with code splitting:
 * every sub-command that main.ts imports lazily becomes its own chunk, so `paramedic classify`
 * loads the classifier and nothing of the CDK, the Kubernetes client or the AWS SDKs.
 *
 * Small pure-JS dependencies (commander, yaml, zod) are bundled: one file read instead of dozens.
 * Everything else stays an import from node_modules (aws-cdk-lib, @aws-sdk/*, the Kubernetes
 * client, aws-local-stepfunctions), loaded only by the chunk of the command that needs it.
 */
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'dist', 'cli');
const BUNDLED_PACKAGES = new Set(['commander', 'yaml', 'zod']);

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Leaves every bare import external except the few small packages worth inlining. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !BUNDLED_PACKAGES.has(packageName(args.path)))
        return { path: args.path, external: true };
      return undefined;
    });
  },
};

/** Builds dist/cli; returns the metafile (for the bench and tests). */
export async function buildCli({ quiet = false } = {}) {
  const started = performance.now();
  rmSync(OUT_DIR, { recursive: true, force: true });
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const result = await build({
    entryPoints: { main: join(ROOT, 'cli', 'main.ts') },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    // commander is CommonJS and require()s node built-ins; ESM output needs a real `require`.
    banner: {
      js: "import { createRequire as __paramedicCreateRequire } from 'node:module'; const require = __paramedicCreateRequire(import.meta.url);",
    },
    define: {
      'process.env.PARAMEDIC_BUILD_VERSION': JSON.stringify(version),
      // Keys the validated-runbook cache: a rebuilt command validates every runbook afresh.
      'process.env.PARAMEDIC_BUILD_ID': JSON.stringify(randomUUID()),
    },
    plugins: [externalPackages],
    metafile: true,
    logLevel: 'warning',
  });
  // lambdas/local/workflow-definition.ts reads the generated ASL beside its own module; esbuild does not
  // follow `new URL(..., import.meta.url)`, so ship it beside every place that module can land.
  for (const dir of [OUT_DIR, join(OUT_DIR, 'chunks')]) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(
      join(ROOT, 'lambdas', 'local', 'workflow.asl.json'),
      join(dir, 'workflow.asl.json'),
    );
  }
  if (!quiet)
    process.stderr.write(
      `paramedic: compiled the command to ${OUT_DIR} in ${Math.round(performance.now() - started)} ms\n`,
    );
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli({ quiet: process.argv.includes('--quiet') });
}
