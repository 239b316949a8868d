/**
 * The script text of a command document, as SSM runs it: the document's script with each included
 * library inlined without its comments. The one producer of that text: the synth
 * (cdk/constructs/document-scripts.ts) and the local runner both call {@link renderDocumentScripts},
 * so a local run executes the bytes AWS runs.
 *
 * Why without comments: a document may hold 64 KB (SSM's quota), and the collector library is a
 * third comments. The commented source stays in the repository; the begin marker names it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CommandDocument,
  includedLibraries,
  inlineIncludes,
} from '../../core/collection/collector-documents.js';
import { REPO_ROOT } from './runbook-directory.js';
import { withoutShellComments } from './shell-comments.js';

/**
 * The self-contained text of each script (repository paths), keyed by path; undefined for a
 * script that is not in the repository.
 * @throws ShellSyntaxError when an included library does not parse as bash.
 * @example (await renderDocumentScripts(['runbooks/collectors/docker-host.sh'])).get('runbooks/collectors/docker-host.sh')
 */
export async function renderDocumentScripts(
  scripts: readonly string[],
  repoRoot = REPO_ROOT,
): Promise<Map<string, string | undefined>> {
  const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
  const rendered = new Map<string, string | undefined>();
  for (const script of scripts) {
    if (!existsSync(join(repoRoot, script))) {
      rendered.set(script, undefined);
      continue;
    }
    const text = read(script);
    const libraries = new Map<string, string>();
    for (const path of includedLibraries(text))
      libraries.set(path, await withoutShellComments(read(path), path));
    rendered.set(
      script,
      inlineIncludes(text, (path) => libraries.get(path)!),
    );
  }
  return rendered;
}

/** A document whose script is not in the repository. */
export class MissingDocumentScriptError extends Error {
  constructor(doc: CommandDocument, repoRoot: string) {
    super(
      `${doc.documentName}: its script ${doc.script} is not under ${repoRoot}; restore the file or run from a full checkout of the repository`,
    );
    this.name = 'MissingDocumentScriptError';
  }
}

/**
 * The self-contained script text of one document (what SSM runs).
 * @throws MissingDocumentScriptError when the script file is absent.
 */
export async function renderDocumentScript(
  doc: CommandDocument,
  repoRoot = REPO_ROOT,
): Promise<string> {
  const script = (await renderDocumentScripts([doc.script], repoRoot)).get(doc.script);
  if (script === undefined) throw new MissingDocumentScriptError(doc, repoRoot);
  return script;
}
