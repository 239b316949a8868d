/**
 * The document scripts inline their libraries without comments. Bash's own parser judges that
 * nothing else changed: a library wrapped in a function and printed back by `declare -f` comes out
 * in bash's canonical layout, without comments, so the original and the stripped text must print
 * the same. A `#` inside an awk program is text, and a line-based stripper that drops it fails
 * this check (the last test here shows the check can fail).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentScripts } from '../../../cdk/constructs/document-scripts.js';
import { renderDocumentScripts } from '../../../lambdas/adapters/local/document-scripts.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { withoutShellComments } from '../../../lambdas/adapters/local/shell-comments.js';
import {
  includedLibraries,
  listCommandDocuments,
} from '../../../lambdas/core/collection/collector-documents.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The library as bash itself prints it back: the body of a function, canonical, comments gone. */
function bashCanonical(library: string): string {
  const run = spawnSync('bash', ['--norc', '--noprofile'], {
    input: `__paramedic_library() {\n${library}\n}\ndeclare -f __paramedic_library\n`,
    encoding: 'utf8',
  });
  expect(run.stderr, 'bash parses the library').toBe('');
  return run.stdout;
}

const scripts = [...new Set(listCommandDocuments().map((d) => d.script))];
const libraries = [...new Set(scripts.flatMap((s) => includedLibraries(read(s))))];

describe('libraries inlined without comments', () => {
  it('the documents include the collector and action libraries', () => {
    expect(libraries.sort()).toEqual([
      'runbooks/actions/action-lib.sh',
      'runbooks/collectors/lib.sh',
    ]);
  });

  it.each(libraries)('%s is the same program to bash without its comments', async (path) => {
    const original = read(path);
    const stripped = await withoutShellComments(original, path);
    expect(stripped.length).toBeLessThan(original.length * 0.9);
    // If this fails on spacing inside $(( )) only, write the arithmetic as the printer does,
    // `$((a - b))`: bash keeps the text of an arithmetic expansion as written.
    expect(bashCanonical(stripped)).toBe(bashCanonical(original));
  });

  it('every document script parses, and the synth renders the same bytes as the local runner', async () => {
    const local = await renderDocumentScripts(scripts);
    const synth = documentScripts(scripts);
    for (const script of scripts) {
      const text = local.get(script)!;
      expect(synth.get(script), script).toBe(text);
      expect(text, script).toContain(
        '(inlined without comments; the commented source is runbooks/',
      );
      const check = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect(check.stderr, `bash -n ${script}`).toBe('');
    }
  });

  it('the check tells a changed program apart: dropping every `#` line also drops awk comments', () => {
    const lib = read('runbooks/collectors/lib.sh');
    const lineStripped = lib.replace(/^[ \t]*#.*\n/gm, '');
    expect(bashCanonical(lineStripped)).not.toBe(bashCanonical(lib));
  });
});
