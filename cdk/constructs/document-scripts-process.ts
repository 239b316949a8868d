/**
 * The child process of `documentScripts` (document-scripts.ts): renders the document scripts
 * (their libraries are stripped of comments by an async WebAssembly parser) and prints them as a
 * JSON object, script path -> text, `null` for a missing script. Argument: JSON
 * `{ repoRoot, scripts }`. On failure it prints the error on stderr and exits 1.
 */
import { renderDocumentScripts } from '../../lambdas/adapters/local/document-scripts.js';

interface RenderRequest {
  readonly repoRoot: string;
  readonly scripts: readonly string[];
}

const request = JSON.parse(process.argv[2] ?? '{}') as RenderRequest;
try {
  const rendered = await renderDocumentScripts(request.scripts, request.repoRoot);
  process.stdout.write(
    JSON.stringify(Object.fromEntries([...rendered].map(([path, text]) => [path, text ?? null]))),
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
