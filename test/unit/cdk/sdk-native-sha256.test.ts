/**
 * The SDK's SHA-256 in the Lambda bundles (cdk/constructs/sdk-native-sha256.ts): the installed
 * @smithy/core still has the text the transform was written against (an upgrade that moves it
 * fails here, not silently in the bundle size), a bundle carries no JavaScript SHA-256, and its
 * `Sha256` hashes and signs as the unbundled SDK's and node:crypto do.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { Sha256 } from '@smithy/core/checksum';
import { lambdaEsbuildOptions } from '../../../cdk/constructs/lambda-bundling.js';
import {
  NATIVE_SHA256_MISSING,
  sdkNativeSha256,
  withoutJsSha256,
} from '../../../cdk/constructs/sdk-native-sha256.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

const smithyCore = dirname(createRequire(import.meta.url).resolve('@smithy/core/package.json'));
const SHA256_NODE = join(smithyCore, 'dist-es/submodules/checksum/sha256/Sha256Node.js');
const out = mkdtempSync(join(tmpdir(), 'paramedic-sha256-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Hash = new (
  secret?: string | Uint8Array,
) => { update(data: string | Uint8Array): void; digest(): Promise<Uint8Array> };

async function hex(Hasher: Hash, data: string, secret?: string): Promise<string> {
  const hash = new Hasher(secret);
  hash.update(data);
  return Buffer.from(await hash.digest()).toString('hex');
}

describe('sdkNativeSha256', () => {
  it('rewrites the installed Sha256Node.js: no JavaScript SHA-256 imported, the same lines', () => {
    const source = readFileSync(SHA256_NODE, 'utf8');
    const rewritten = sdkNativeSha256()(SHA256_NODE, source);
    expect(rewritten).toBeDefined();
    expect(rewritten).not.toContain('Sha256Js');
    expect(rewritten).toContain(JSON.stringify(NATIVE_SHA256_MISSING));
    expect(rewritten).toContain('buildNativeClass()');
    expect(rewritten!.split('\n').length).toBe(source.split('\n').length);
  });

  it('leaves a file whose text is not the one expected as written', () => {
    const source = readFileSync(SHA256_NODE, 'utf8');
    expect(withoutJsSha256(`${source}\nexport const again = Sha256Js;\n`)).toBeUndefined();
    expect(withoutJsSha256(source.replace(': Sha256Js;', ': undefined;'))).toBeUndefined();
    expect(sdkNativeSha256()('/elsewhere/Sha256Node.js', source)).toBeUndefined();
  });

  it("bundled as the Lambdas are, hashes and signs (HMAC) as the SDK's and node:crypto's", async () => {
    const outfile = join(out, 'sha256.mjs');
    const { metafile } = await build({
      ...lambdaEsbuildOptions(REPO_ROOT),
      stdin: {
        contents: "export { Sha256 } from '@smithy/core/checksum';",
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      outfile,
      metafile: true,
      logLevel: 'error',
    });
    const bundledInputs = Object.values(metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    expect(bundledInputs.filter((path) => /Sha256Node\.js$/.test(path))).toHaveLength(1);
    expect(bundledInputs.filter((path) => /Sha256Js\.js$/.test(path))).toEqual([]);
    const bundled = (
      (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as { Sha256: Hash }
    ).Sha256;
    for (const [data, secret] of [
      ['', undefined],
      ['AWS4-HMAC-SHA256\n20261205T000000Z\n…', undefined],
      ['x'.repeat(100_000), undefined],
      ['20261205', 'AWS4secret'],
      ['', 'k'],
    ] as const) {
      const native = secret
        ? createHmac('sha256', secret).update(data).digest('hex')
        : createHash('sha256').update(data).digest('hex');
      expect(await hex(bundled, data, secret)).toBe(native);
      expect(await hex(Sha256 as unknown as Hash, data, secret)).toBe(native);
    }
  });
});
