/**
 * Where the repository is, from any module in it. The compiled command (dist/cli/chunks/*.js)
 * and the TypeScript sources sit at different depths, so a fixed `../..` from import.meta.url
 * would be right for one and wrong for the other: walk up to the package.json named "paramedic".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package name that marks the repository root. */
const PACKAGE_NAME = 'paramedic';

function isRepoRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The nearest directory at or above `moduleUrl`'s folder holding Paramedic's package.json, or
 * `fallback` when there is none (a Lambda bundle in /var/task has no repository around it).
 */
export function findRepoRoot(moduleUrl: string, fallback: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (isRepoRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(fallback);
    dir = parent;
  }
}
