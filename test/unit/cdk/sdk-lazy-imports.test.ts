/**
 * The SDK's lazy import sites (cdk/constructs/sdk-lazy-imports.ts) against the installed SDK: each
 * site still finds the text it was written against (an SDK upgrade that moves it fails here, not
 * silently in the bundle size), the rewrite imports the module at the use, and a file that differs
 * is left as written.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAZY_SITES, makeLazy, sdkLazyImports } from '../../../cdk/constructs/sdk-lazy-imports.js';

const smithyCore = dirname(createRequire(import.meta.url).resolve('@smithy/core/package.json'));
const SITE_FILES = [
  'dist-es/submodules/retry/middleware-retry/configurations.js',
  'dist-es/submodules/config/config-resolver/regionConfig/config.js',
  'dist-es/submodules/config/defaults-mode/resolveDefaultsModeConfig.js',
  'dist-es/submodules/endpoints/middleware-endpoint/adaptors/getEndpointFromInstructions.js',
].map((file) => join(smithyCore, file));

describe('sdkLazyImports', () => {
  it('rewrites every site in the installed @smithy/core: no static import left, an import() at each use', () => {
    const transform = sdkLazyImports();
    for (const site of LAZY_SITES) {
      const file = SITE_FILES.find((f) => site.file.test(f));
      expect(file, site.name).toBeDefined();
      const source = readFileSync(file!, 'utf8');
      const lazy = transform(file!, source);
      expect(lazy, `${site.name} in ${file}`).toBeDefined();
      expect(lazy).not.toContain(`import { ${site.name} }`);
      expect(lazy).toContain(`(await import(${JSON.stringify(site.specifier)})).${site.name}`);
      // Lines kept: source maps still point at the right line.
      expect(lazy!.split('\n').length).toBe(source.split('\n').length);
    }
  });

  it('leaves a file whose text is not the one a site expects as written', () => {
    const [site] = LAZY_SITES;
    const source = readFileSync(SITE_FILES[0]!, 'utf8');
    // The name used once more than the site knows of.
    expect(makeLazy(site!, `${source}\nexport const again = ${site!.name};\n`)).toBeUndefined();
    expect(makeLazy(site!, source.replace(site!.uses[0]!, 'return undefined;'))).toBeUndefined();
    expect(sdkLazyImports()('/elsewhere/configurations.js', source)).toBeUndefined();
  });
});
