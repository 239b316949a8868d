/**
 * The SDK barrel plugin on a small package tree shaped like the SDK's (a `@smithy/core` with a
 * barrel submodule, an `@aws-sdk/client-demo` that imports from it): each name is pointed at its
 * defining file, a side-effectful file the barrel lists still runs, and what the plugin cannot
 * point past (a namespace import, a package that declares side effects) keeps the barrel, so the
 * build behaves as without the plugin. A name the barrel defines itself loads the barrel's own part
 * (its definitions without its re-exports), one instance for every importer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type BuildOptions, type Metafile, type OutputFile } from 'esbuild';
import { init } from 'es-module-lexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  namedClause,
  OWN_PART_PREFIX,
  OWN_PART_SUFFIX,
  sdkBarrelImports,
  splitBarrel,
} from '../../../cdk/constructs/sdk-barrel-imports.js';

const root = mkdtempSync(join(tmpdir(), 'paramedic-barrel-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const SMITHY = 'node_modules/@smithy/core';
write(
  `${SMITHY}/package.json`,
  JSON.stringify({
    name: '@smithy/core',
    module: './dist-es/index.js',
    exports: { './proto': { import: './dist-es/submodules/proto/index.js' } },
    sideEffects: ['./dist-es/submodules/proto/register.js'],
  }),
);
write(
  `${SMITHY}/dist-es/submodules/proto/index.js`,
  [
    'export { Json } from "./json/Json";',
    'export * from "./xml";',
    'export * from "./a";',
    'export * from "./b";',
    'import { helper } from "./helper";',
    'export { helper as renamedHelper };',
    'export { registered } from "./register";',
    // Defined here, as the SDK's endpoints and serde barrels define bound functions.
    'export const own = helper();',
    'export class OwnBox {}',
  ].join('\n'),
);
write(`${SMITHY}/dist-es/submodules/proto/json/Json.js`, 'export class Json { name = "json"; }');
write(`${SMITHY}/dist-es/submodules/proto/xml.js`, 'export const Xml = "xml-protocol-code";');
write(`${SMITHY}/dist-es/submodules/proto/a.js`, 'export const same = "from a";');
write(`${SMITHY}/dist-es/submodules/proto/b.js`, 'export const same = "from b";');
write(`${SMITHY}/dist-es/submodules/proto/helper.js`, 'export function helper() { return 42; }');
write(
  `${SMITHY}/dist-es/submodules/proto/register.js`,
  'export const registered = true; globalThis.__protoRegistered = "yes";',
);
write(`${SMITHY}/dist-es/index.js`, 'export {};');

const CLIENT = 'node_modules/@aws-sdk/client-demo';
write(
  `${CLIENT}/package.json`,
  JSON.stringify({
    name: '@aws-sdk/client-demo',
    module: './dist-es/index.js',
    sideEffects: false,
  }),
);

/** Bundles an entry that imports the demo client, whose index is `importer`; `extra` adds build options (a source map). */
async function bundle(
  importer: string,
  extra: BuildOptions = {},
): Promise<{ text: string; metafile: Metafile; outputFiles: OutputFile[] }> {
  write(`${CLIENT}/dist-es/index.js`, importer);
  write('entry.js', 'import { run } from "@aws-sdk/client-demo"; console.log(run());');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['entry.js'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [sdkBarrelImports()],
    ...extra,
  });
  // Written in memory with a metafile: esbuild returns both (the spread options widen the types).
  return {
    text: result.outputFiles![0]!.text,
    metafile: result.metafile!,
    outputFiles: result.outputFiles!,
  };
}

const BARREL = `${SMITHY}/dist-es/submodules/proto/index.js`;
const reads = (metafile: Metafile, path: string): boolean => path in metafile.inputs;

describe('sdkBarrelImports', () => {
  it('points each named import at its defining file; the barrel and what it lists besides are out of the graph', async () => {
    const { text, metafile } = await bundle(
      'import { Json, renamedHelper as h } from "@smithy/core/proto";\n' +
        'export const run = () => [new Json().name, h()];',
    );

    expect(reads(metafile, BARREL)).toBe(false);
    expect(reads(metafile, `${SMITHY}/dist-es/submodules/proto/xml.js`)).toBe(false);
    expect(reads(metafile, `${SMITHY}/dist-es/submodules/proto/json/Json.js`)).toBe(true);
    expect(reads(metafile, `${SMITHY}/dist-es/submodules/proto/helper.js`)).toBe(true);
    // The file the package declares side-effectful still runs.
    expect(text).toContain('__protoRegistered');
    const run = new Function(`${text.replace(/console\.log\(/, 'return (')}`);
    expect(run()).toEqual(['json', 42]);
  });

  it('re-exports are pointed the same way', async () => {
    const { metafile } = await bundle(
      'export { Json } from "@smithy/core/proto";\nexport const run = () => 1;',
    );
    expect(reads(metafile, BARREL)).toBe(false);
  });

  it('a name the barrel defines itself loads its own part only: what the barrel lists besides stays out', async () => {
    const { text, metafile } = await bundle(
      'import { Json, own } from "@smithy/core/proto";\nexport const run = () => [new Json().name, own];',
    );
    expect(reads(metafile, BARREL)).toBe(false);
    expect(reads(metafile, `${BARREL}${OWN_PART_SUFFIX}`)).toBe(true);
    expect(reads(metafile, `${SMITHY}/dist-es/submodules/proto/xml.js`)).toBe(false);
    expect(text).not.toContain('xml-protocol-code');
    const run = new Function(`${text.replace(/console\.log\(/, 'return (')}`);
    expect(run()).toEqual(['json', 42]);
  });

  it('names the own part in the source map by its file, relative, as every other module: the asset hash does not depend on where the repository is', async () => {
    const result = await bundle(
      'import { own } from "@smithy/core/proto";\nexport const run = () => own;',
      { outdir: join(root, 'out'), sourcemap: true, sourcesContent: false },
    );
    const map = result.outputFiles.find((file) => file.path.endsWith('.map'))!;
    const { sources } = JSON.parse(map.text) as { sources: string[] };
    expect(sources).toContain(`../${BARREL}`);
    expect(sources.filter((source) => !source.startsWith('../'))).toEqual([]);
  });

  it('leaves a namespace import as written, and the barrel re-exports the one instance of its own part', async () => {
    const { text, metafile } = await bundle(
      'import { OwnBox } from "@smithy/core/proto";\nimport * as proto from "@smithy/core/proto";\n' +
        'export const run = () => [proto.Xml, proto.OwnBox === OwnBox, proto.own];',
    );
    expect(reads(metafile, BARREL)).toBe(true);
    const run = new Function(`${text.replace(/console\.log\(/, 'return (')}`);
    expect(run()).toEqual(['xml-protocol-code', true, 42]);
  });

  it('leaves a barrel whose package declares side effects (no sideEffects field) as written', async () => {
    write(
      `${SMITHY}/package.json`,
      JSON.stringify({
        name: '@smithy/core',
        exports: { './proto': { import: './dist-es/submodules/proto/index.js' } },
      }),
    );
    try {
      const { metafile } = await bundle(
        'import { Json } from "@smithy/core/proto";\nexport const run = () => Json;',
      );
      expect(reads(metafile, BARREL)).toBe(true);
    } finally {
      write(
        `${SMITHY}/package.json`,
        JSON.stringify({
          name: '@smithy/core',
          exports: { './proto': { import: './dist-es/submodules/proto/index.js' } },
          sideEffects: ['./dist-es/submodules/proto/register.js'],
        }),
      );
    }
  });
});

describe('splitBarrel', () => {
  beforeAll(() => init);

  it('splits re-exports from own definitions, each part keeping the line count', () => {
    const source = [
      'import { helper } from "./helper";',
      'export { Json } from "./json";',
      'export * from "./xml";',
      'export const own = helper();',
      'export { helper };',
    ].join('\n');
    const parts = splitBarrel('/pkg/index.js', source)!;
    expect(parts.reexports.split('\n').slice(0, 5)).toEqual([
      '',
      'export { Json } from "./json";',
      'export * from "./xml";',
      '',
      '',
    ]);
    expect(parts.reexports).toContain(
      `export { own, helper } from "${OWN_PART_PREFIX}/pkg/index.js";`,
    );
    expect(parts.own.split('\n')).toEqual([
      'import { helper } from "./helper";',
      ';',
      ';',
      'export const own = helper();',
      'export { helper };',
    ]);
  });

  it('leaves a module that only re-exports, or only defines, as it is', () => {
    expect(splitBarrel('/a.js', 'export { a } from "./a";\nexport * from "./b";')).toBeUndefined();
    expect(splitBarrel('/b.js', 'import { a } from "./a";\nexport const b = a;')).toBeUndefined();
  });
});

describe('namedClause', () => {
  it('reads plain named bindings and nothing else', () => {
    expect(namedClause('import { a, b as c, } from ')).toEqual({
      kind: 'import',
      names: [
        ['a', 'a'],
        ['b', 'c'],
      ],
    });
    expect(namedClause('export {x} from')).toEqual({ kind: 'export', names: [['x', 'x']] });
    expect(namedClause('import d, { a } from ')).toBeUndefined();
    expect(namedClause('import * as ns from ')).toBeUndefined();
    expect(namedClause('import { "a-b" as c } from ')).toBeUndefined();
  });
});
