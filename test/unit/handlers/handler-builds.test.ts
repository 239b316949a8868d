/**
 * The shared handler builds (test/support/handler-builds.ts) are served only while the sources
 * they were built from are unchanged: the key covers every file under the keyed paths, by content,
 * including files git does not know yet, and a bundle that reads from elsewhere is refused. Each
 * case works on a small tree of its own in a temporary folder, never on the repository.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceKey, unkeyedInputs } from '../../support/handler-builds.js';

let root: string;

function put(path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Changes one byte of the file, so its length stays the same. */
function editOneByte(path: string): void {
  const content = readFileSync(join(root, path), 'utf8');
  const last = content.length - 2;
  put(
    path,
    `${content.slice(0, last)}${content[last] === 'x' ? 'y' : 'x'}${content.slice(last + 1)}`,
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'paramedic-handler-builds-key-'));
  put('lambdas/handlers/collect.ts', 'export const handler = () => 1;\n');
  put('lambdas/core/workflow/steps/collect.ts', 'export const step = 1;\n');
  put('cdk/constructs/lambda-bundling.ts', 'export const minify = true;\n');
  put('package.json', '{"type":"module"}\n');
  put('package-lock.json', '{"lockfileVersion":3}\n');
  put('tsconfig.json', '{}\n');
  put('node_modules/.package-lock.json', '{"packages":{}}\n');
  put('README.md', '# readme\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('sourceKey', () => {
  it('is the same for the same sources', () => {
    expect(sourceKey(root)).toBe(sourceKey(root));
  });

  it.each([
    'lambdas/core/workflow/steps/collect.ts',
    'lambdas/handlers/collect.ts',
    'cdk/constructs/lambda-bundling.ts',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'node_modules/.package-lock.json',
  ])('changes when the content of %s changes by one byte (content, not size or time)', (path) => {
    const before = sourceKey(root);
    editOneByte(path);
    expect(sourceKey(root)).not.toBe(before);
  });

  it('changes when a file is added that git does not track yet, and when it is then edited', () => {
    const before = sourceKey(root);
    put('lambdas/core/workflow/new-helper.ts', 'export const x = 1;\n');
    const added = sourceKey(root);
    put('lambdas/core/workflow/new-helper.ts', 'export const x = 2;\n');
    expect(added).not.toBe(before);
    expect(sourceKey(root)).not.toBe(added);
  });

  it('changes when a file is deleted or renamed', () => {
    const before = sourceKey(root);
    renameSync(join(root, 'lambdas/handlers/collect.ts'), join(root, 'lambdas/handlers/gather.ts'));
    const renamed = sourceKey(root);
    rmSync(join(root, 'lambdas/handlers/gather.ts'));
    expect(renamed).not.toBe(before);
    expect(sourceKey(root)).not.toBe(renamed);
  });

  it('changes with the esbuild version and with the checkout (source maps are relative to it)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'paramedic-handler-builds-key-'));
    try {
      expect(sourceKey(root, '0.28.2')).not.toBe(sourceKey(root, '0.28.3'));
      expect(sourceKey(root, '0.28.2')).not.toBe(sourceKey(copy, '0.28.2'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('does not change when a file outside the keyed paths changes (editing a test keeps the builds)', () => {
    const before = sourceKey(root);
    put('README.md', '# edited\n');
    put('test/unit/some.test.ts', 'it();\n');
    expect(sourceKey(root)).toBe(before);
  });
});

describe('unkeyedInputs', () => {
  const metafileOf = (inputs: string[]): Metafile => ({
    inputs: Object.fromEntries(inputs.map((path) => [path, { bytes: 1, imports: [] }])),
    outputs: {},
  });

  it('names an input of ours outside the keyed paths, which the key would not see change', () => {
    expect(
      unkeyedInputs(
        metafileOf([
          'lambdas/handlers/collect.ts',
          'cdk/constructs/sdk-barrel-imports.ts',
          'runbooks/disk-full.yaml',
          'lambdasextra/a.ts',
        ]),
      ),
    ).toEqual(['runbooks/disk-full.yaml', 'lambdasextra/a.ts']);
  });

  it('accepts installed packages wherever node_modules is (the lockfiles key them)', () => {
    expect(
      unkeyedInputs(
        metafileOf([
          '../../main/node_modules/@aws-sdk/client-ssm/dist-es/index.js',
          'node_modules/yaml/dist/index.js',
        ]),
      ),
    ).toEqual([]);
  });
});
