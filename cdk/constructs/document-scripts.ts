/**
 * The document scripts for the synth, synchronously, because CDK construct code is: the renderer
 * (lambdas/adapters/local/document-scripts.ts, shared with the local runner so both run the same
 * bytes) strips library comments with an async WebAssembly parser, so it runs in a child node
 * process, as the Lambda bundling does (lambda-bundling.ts). One child per synth process renders
 * every catalogue document at once (~1 s, most of it the node and tsx start); later constructs
 * and stacks read the cache.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listCommandDocuments } from '../../lambdas/core/collection/collector-documents.js';
import { REPO_ROOT } from '../paths.js';

const RENDER_PROCESS_SCRIPT = fileURLToPath(
  new URL('./document-scripts-process.ts', import.meta.url),
);

// `<repoRoot>\0<script>` -> text (undefined: the script is missing), for the life of the process.
const rendered = new Map<string, string | undefined>();
const keyOf = (repoRoot: string, script: string) => `${repoRoot}\0${script}`;

/**
 * The self-contained text of each script (repository paths), as the SSM documents carry it;
 * undefined for a script that is not in the repository. The first call renders the whole
 * catalogue with the scripts asked for.
 * @throws Error naming the library and line when a library does not parse as bash.
 */
export function documentScripts(
  scripts: readonly string[],
  repoRoot: string = REPO_ROOT,
): ReadonlyMap<string, string | undefined> {
  const wanted = [...new Set([...listCommandDocuments().map((d) => d.script), ...scripts])];
  const missing = wanted.filter((s) => !rendered.has(keyOf(repoRoot, s)));
  if (missing.length > 0) {
    for (const [script, text] of Object.entries(renderInChild(missing, repoRoot)))
      rendered.set(keyOf(repoRoot, script), text ?? undefined);
  }
  return new Map(scripts.map((s) => [s, rendered.get(keyOf(repoRoot, s))]));
}

function renderInChild(
  scripts: readonly string[],
  repoRoot: string,
): Record<string, string | null> {
  try {
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', RENDER_PROCESS_SCRIPT, JSON.stringify({ repoRoot, scripts })],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return JSON.parse(stdout) as Record<string, string | null>;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `rendering the command document scripts failed${stderr ? `:\n${stderr}` : ` (${(error as Error).message})`}`,
    );
  }
}
