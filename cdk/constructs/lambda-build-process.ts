/**
 * The child process of `bundleLambda` (lambda-bundling.ts): runs the async Lambda build (esbuild's
 * plugins need its async API) and prints the metafile as JSON on stdout. Argument: JSON
 * `{ repoRoot, entry, outdir }`. On failure it prints esbuild's messages on stderr and exits 1.
 */
import { buildLambda } from './lambda-bundling.js';

interface BuildRequest {
  readonly repoRoot: string;
  readonly entry: string;
  readonly outdir: string;
}

const request = JSON.parse(process.argv[2] ?? '{}') as BuildRequest;
try {
  const metafile = await buildLambda(request.repoRoot, request.entry, request.outdir);
  process.stdout.write(JSON.stringify(metafile));
} catch (error) {
  // esbuild has already logged the errors themselves (logLevel 'error'); add what failed.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
