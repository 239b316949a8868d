/**
 * A source transform (run by the SDK barrel plugin, sdk-barrel-imports.ts) that turns a few static
 * imports of the SDK into `import()` at their only uses, each inside an async function that runs on
 * some configurations only, so their code leaves the cold start of every function.
 *
 * The sites ({@link LAZY_SITES}), each measured 2026-12-04 in every SDK-using function:
 * - AdaptiveRetryStrategy and its client-side rate limiter (~3.4 KiB): `resolveRetryConfig`
 *   (retry/middleware-retry/configurations.js) builds it in `getDefault`, on a client's first
 *   request, only when the retry mode is `adaptive` (AWS_RETRY_MODE, `retry_mode` in the shared
 *   config, or the client's `retryMode`); Paramedic sets none, so the strategy is `standard`.
 * - The region lookup in the instance metadata service (~1.2 KiB): the region's last default
 *   (config-resolver/regionConfig/config.js) and the `auto` defaults mode's physical region
 *   (defaults-mode/resolveDefaultsModeConfig.js) ask it only when no region is in the environment;
 *   Lambda always sets AWS_REGION.
 * - S3's endpoint parameters (~0.8 KiB): `resolveParams`
 *   (endpoints/middleware-endpoint/adaptors/getEndpointFromInstructions.js) adjusts them for the
 *   S3 client only; no function bundles it (S3 objects go through s3-object-client.ts).
 *
 * What changes at run time: nothing on the paths Paramedic takes. On the others the module loads
 * on the first call (one `import()` in a function that already awaits), and it is the same module
 * with the same state (the metadata lookup's negative cache), called with the same arguments.
 *
 * A site is rewritten only when its file's text is the one it was written against: the import
 * line and each use occur exactly once, and the name occurs nowhere else. Otherwise the file is
 * left as written (the bundle is bigger again, and the size test says so).
 */
import type { SourceTransform } from './sdk-operation-errors.js';

/** One static import made lazy. */
export interface LazySite {
  /** The SDK file (dist-es) it is in. */
  readonly file: RegExp;
  /** The imported name. */
  readonly name: string;
  /** The module it comes from, as the file writes it. */
  readonly specifier: string;
  /** Each use, as written; each sits in an async function, so `await import()` may replace the name. */
  readonly uses: readonly string[];
}

const SMITHY_CORE = String.raw`[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]`;

/** The sites, in @smithy/core 3.41. */
export const LAZY_SITES: readonly LazySite[] = [
  {
    file: new RegExp(`${SMITHY_CORE}retry[\\\\/]middleware-retry[\\\\/]configurations\\.js$`),
    name: 'AdaptiveRetryStrategy',
    specifier: '../util-retry/AdaptiveRetryStrategy',
    uses: ['return new AdaptiveRetryStrategy('],
  },
  {
    file: new RegExp(
      `${SMITHY_CORE}config[\\\\/]config-resolver[\\\\/]regionConfig[\\\\/]config\\.js$`,
    ),
    name: 'getInstanceMetadataRegion',
    specifier: './getInstanceMetadataRegion',
    uses: ['const region = await getInstanceMetadataRegion();'],
  },
  {
    file: new RegExp(
      `${SMITHY_CORE}config[\\\\/]defaults-mode[\\\\/]resolveDefaultsModeConfig\\.js$`,
    ),
    name: 'getInstanceMetadataRegion',
    specifier: '../config-resolver/regionConfig/getInstanceMetadataRegion',
    uses: ['    return getInstanceMetadataRegion();\n};'],
  },
  {
    file: new RegExp(
      `${SMITHY_CORE}endpoints[\\\\/]middleware-endpoint[\\\\/]adaptors[\\\\/]getEndpointFromInstructions\\.js$`,
    ),
    name: 'resolveParamsForS3',
    specifier: '../service-customizations',
    uses: ['await resolveParamsForS3(endpointParams);'],
  },
];

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

/** `source` with `site`'s import made lazy, or undefined when the text is not the one expected. */
export function makeLazy(site: LazySite, source: string): string | undefined {
  const importLine = `import { ${site.name} } from "${site.specifier}";`;
  if (occurrences(source, importLine) !== 1) return undefined;
  if (site.uses.some((use) => occurrences(source, use) !== 1)) return undefined;
  const named = new RegExp(`\\b${site.name}\\b`, 'g');
  const count = (text: string): number => text.match(named)?.length ?? 0;
  const expected = site.uses.reduce((n, use) => n + count(use), count(importLine));
  if (count(source) !== expected) return undefined;
  const lazy = `(await import(${JSON.stringify(site.specifier)})).${site.name}`;
  // The import line becomes an empty line, so source maps still point at the right line.
  let result = source.replace(importLine, '');
  for (const use of site.uses) result = result.replace(use, use.replace(named, lazy));
  return result;
}

/** The transform (stateless). */
export function sdkLazyImports(sites: readonly LazySite[] = LAZY_SITES): SourceTransform {
  return (path, source) => {
    let changed: string | undefined;
    for (const site of sites)
      if (site.file.test(path)) changed = makeLazy(site, changed ?? source) ?? changed;
    return changed;
  };
}
