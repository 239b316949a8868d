/**
 * A source transform (run by the SDK barrel plugin, sdk-barrel-imports.ts) that leaves the SDK's
 * JavaScript SHA-256 out of the Lambda bundles. Every client's runtime config takes `Sha256` from
 * `@smithy/core/checksum`, which is Sha256Node: node:crypto's hash when `createHash("sha256")`
 * works, else Sha256Js, a SHA-256 written in JavaScript (~3.2 KiB in every function). The Lambda
 * Node.js runtimes always have SHA-256 in node:crypto (OpenSSL's, FIPS or not), so the fallback
 * never runs there.
 *
 * What changes at run time: nothing where node:crypto has SHA-256 (the class built is the same
 * code). Where it has not, building a hash throws {@link NATIVE_SHA256_MISSING} instead of falling
 * back, so the first signed request fails saying why, rather than the bundle growing for it.
 *
 * The file is rewritten only when its text is the one this was written against (the import line
 * and the fallback each occur once, and the name nowhere else); otherwise it is left as written
 * (the bundle is bigger again, and the size test says so).
 */
import type { SourceTransform } from './sdk-operation-errors.js';

/** The SDK file (dist-es, @smithy/core 3.41) whose fallback is replaced. */
export const SHA256_NODE_FILE =
  /[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/;

const IMPORT_LINE = 'import { Sha256Js } from "./Sha256Js";';
const FALLBACK = 'hasNativeCrypto ? buildNativeClass() : Sha256Js;';

/** What a hash built without node:crypto's SHA-256 throws in a bundle. */
export const NATIVE_SHA256_MISSING =
  "node:crypto has no SHA-256 here, and Paramedic's Lambda bundles leave out the SDK's JavaScript " +
  'SHA-256 (cdk/constructs/sdk-native-sha256.ts): run them on a Lambda Node.js runtime, whose ' +
  'node:crypto always has it, or remove that transform from lambda-bundling.ts';

const STAND_IN = `class { constructor() { throw new Error(${JSON.stringify(NATIVE_SHA256_MISSING)}); } }`;

/** `source` (Sha256Node.js) without its JavaScript fallback, or undefined when the text is not the one expected. */
export function withoutJsSha256(source: string): string | undefined {
  const count = (part: string): number => source.split(part).length - 1;
  // Sha256Js appears in the import line (twice) and the fallback, and nowhere else.
  if (count(IMPORT_LINE) !== 1 || count(FALLBACK) !== 1 || count('Sha256Js') !== 3)
    return undefined;
  // The import line becomes an empty line, so source maps still point at the right line.
  return source.replace(IMPORT_LINE, '').replace(FALLBACK, FALLBACK.replace('Sha256Js', STAND_IN));
}

/** The transform (stateless). */
export function sdkNativeSha256(): SourceTransform {
  return (path, source) => (SHA256_NODE_FILE.test(path) ? withoutJsSha256(source) : undefined);
}
