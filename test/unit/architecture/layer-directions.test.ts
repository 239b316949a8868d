import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

// STYLE.md: arrows point inwards only. Entry points (handlers, the local root, cli, console, cdk)
// compose; adapters import core (and their own medium's files); core imports neither.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.(ts|mjs)$/.test(name) ? [full] : [];
  });
}

/** The repository-relative files a source imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/import\(\s*'([^']+)'\s*,?\s*\)/g),
  ].map((m) => m[1]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(REPO_ROOT, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** The layer of a repository-relative path. */
function layerOf(path: string): string {
  for (const layer of [
    'lambdas/core',
    'lambdas/adapters',
    'lambdas/handlers',
    'lambdas/local',
    'cdk',
    'cli',
    'console',
  ])
    if (path.startsWith(`${layer}/`)) return layer;
  return 'other';
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'lambdas/core': ['lambdas/core'],
  'lambdas/adapters': ['lambdas/core', 'lambdas/adapters'],
  'lambdas/handlers': ['lambdas/core', 'lambdas/adapters', 'lambdas/handlers'],
  'lambdas/local': ['lambdas/core', 'lambdas/adapters', 'lambdas/local'],
  cdk: ['lambdas/core', 'lambdas/adapters', 'lambdas/handlers', 'cdk'],
  cli: ['lambdas/core', 'lambdas/adapters', 'lambdas/local', 'cli', 'console'],
  console: ['lambdas/core', 'lambdas/adapters', 'lambdas/local', 'console'],
};

const files = ['lambdas', 'cdk', 'cli', 'console']
  .flatMap((d) => sources(join(REPO_ROOT, d)))
  .map((f) => relative(REPO_ROOT, f));

describe('imports point inwards', () => {
  it('has files in every layer', () => {
    for (const layer of Object.keys(ALLOWED))
      expect(
        files.some((f) => layerOf(f) === layer),
        layer,
      ).toBe(true);
  });

  it.each(files.map((f) => [f]))('%s imports only layers it may', (file) => {
    const allowed = ALLOWED[layerOf(file)] ?? [];
    const wrong = importsOf(join(REPO_ROOT, file)).filter(
      (target) => !allowed.includes(layerOf(target)),
    );
    expect(wrong, `${file} imports outside ${allowed.join(', ')}`).toEqual([]);
  });

  it('an adapter imports another medium only for shared local-file plumbing or AWS error wording', () => {
    const medium = (f: string) => f.split('/')[2];
    const crossing = files
      .filter((f) => layerOf(f) === 'lambdas/adapters')
      .flatMap((f) =>
        importsOf(join(REPO_ROOT, f))
          .filter((t) => layerOf(t) === 'lambdas/adapters' && medium(t) !== medium(f))
          .map((t) => `${f} -> ${t}`),
      );
    expect(
      crossing.every(
        (c) =>
          c.endsWith('lambdas/adapters/local/runbook-directory.ts') ||
          c.endsWith('lambdas/adapters/local/data-dir.ts') ||
          c.endsWith('lambdas/adapters/aws-sdk/aws-error-message.ts'),
      ),
      crossing.join('\n'),
    ).toBe(true);
  });

  it('no state machine is written by hand outside cdk/: the local root runs the generated one', () => {
    const handWritten = files
      .filter((f) => !f.startsWith('cdk/'))
      .filter((f) => /StartAt['"]?\s*:\s*['"]/.test(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(handWritten).toEqual([]);
  });
});
