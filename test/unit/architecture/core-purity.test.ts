import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

const CORE = join(REPO_ROOT, 'lambdas', 'core');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

// STYLE.md: the core knows nothing of AWS, files, the environment or the clock; I/O comes through ports.
describe('lambdas/core stays pure', () => {
  const files = sources(CORE);
  it('has source files to check', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [relative(REPO_ROOT, f), f]))(
    '%s imports no I/O and reads no clock or environment',
    (_name, file) => {
      // Comments may show examples (e.g. `new Date()` in a TSDoc @example); only code counts.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const imports = [
        ...text.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm),
        ...text.matchAll(/import\(\s*'([^']+)'\s*,?\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of imports) {
        expect(spec, `${spec} in ${file}`).not.toMatch(
          /^(node:|fs$|path$|child_process$|http|net$|os$|crypto$)|@aws-sdk|@kubernetes|aws-cdk-lib|\/adapters\/|\/handlers\//,
        );
      }
      expect(text).not.toMatch(/process\.env|Date\.now\(|new Date\(\)|Math\.random\(/);
    },
  );
});
