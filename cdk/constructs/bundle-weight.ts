/**
 * What a Lambda bundle weighs, read from esbuild's metafile: the entry plus the chunks it imports
 * statically (what a cold start loads), everything (with the chunks loaded by `import()` on the
 * paths that need them), and which packages weigh most. The bench and the size test read it.
 */
import type { Metafile } from 'esbuild';

/** The weight of one bundle. */
export interface BundleWeight {
  /** Bytes of the entry and of every chunk it imports statically, transitively: a cold start loads these. */
  readonly eagerBytes: number;
  /** Bytes of every JavaScript file of the bundle (source maps excluded). */
  readonly totalBytes: number;
  /** Output files loaded only through `import()`. */
  readonly lazyFiles: readonly string[];
  /** Bytes per package (or per source folder of ours) in the eagerly loaded files, heaviest first. */
  readonly eagerInputs: readonly (readonly [string, number])[];
  /** The same over every file. */
  readonly totalInputs: readonly (readonly [string, number])[];
}

/** The package of a metafile input (`@aws-sdk/client-ssm`), or its first two folders for our own sources (`lambdas/core`). */
export function packageOf(input: string): string {
  return (
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 3).join('/')
  );
}

function inputsBy(outputs: readonly Metafile['outputs'][string][]): [string, number][] {
  const byPackage = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
}

/** Weighs a bundle from its metafile, starting from the output file named `entryFile` (`index.mjs`). */
export function weighBundle(metafile: Metafile, entryFile: string): BundleWeight {
  const js = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  const entries = js.filter(([file]) => file === entryFile || file.endsWith(`/${entryFile}`));
  if (entries.length !== 1)
    throw new Error(`expected one output named ${entryFile}, found ${entries.length}`);
  const eager = new Set<string>();
  const pending = [entries[0]![0]];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (eager.has(file)) continue;
    eager.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) pending.push(imported.path);
    }
  }
  const sum = (files: readonly (readonly [string, { bytes: number }])[]): number =>
    files.reduce((n, [, o]) => n + o.bytes, 0);
  const eagerOutputs = js.filter(([file]) => eager.has(file));
  return {
    eagerBytes: sum(eagerOutputs),
    totalBytes: sum(js),
    lazyFiles: js.map(([file]) => file).filter((file) => !eager.has(file)),
    eagerInputs: inputsBy(eagerOutputs.map(([, o]) => o)),
    totalInputs: inputsBy(js.map(([, o]) => o)),
  };
}
