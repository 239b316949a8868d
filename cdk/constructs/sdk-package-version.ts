/**
 * A source transform (run by the SDK barrel plugin, sdk-barrel-imports.ts) that makes an SDK
 * client's runtime config import only the `version` of its package.json.
 *
 * Why: `runtimeConfig.js` reads `packageInfo.version` (for the user agent) from a default import of
 * `../package.json`, and a default import of JSON bundles the whole file (~2 KiB per client in
 * every function that loads it). esbuild exports each top-level key of a JSON file by name and
 * keeps only the keys imported, so a named import of `version` is the same value without the rest.
 * Only a file whose every use of the binding is `<binding>.version` is rewritten; lines are kept.
 */
import type { SourceTransform } from './sdk-operation-errors.js';

/** A client's runtime config (dist-es). */
const RUNTIME_CONFIG =
  /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]dist-es[\\/]runtimeConfig(?:\.[\w]+)?\.js$/;

const DEFAULT_IMPORT = /^import (\w+) from "\.\.\/package\.json";$/m;

/** The transform (stateless). */
export function sdkPackageVersion(): SourceTransform {
  return (path, source) => {
    if (!RUNTIME_CONFIG.test(path)) return undefined;
    const binding = DEFAULT_IMPORT.exec(source)?.[1];
    if (!binding) return undefined;
    const uses = source.match(new RegExp(`\\b${binding}\\b(\\.version\\b)?`, 'g')) ?? [];
    // The import itself, then only `.version` reads.
    if (uses.slice(1).some((use) => use !== `${binding}.version`)) return undefined;
    const version = `__${binding}Version`;
    return source
      .replace(DEFAULT_IMPORT, `import { version as ${version} } from "../package.json";`)
      .replace(new RegExp(`\\b${binding}\\.version\\b`, 'g'), version);
  };
}
