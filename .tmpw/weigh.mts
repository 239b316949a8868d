import { build } from 'esbuild';
import { lambdaBuildOptions, LAMBDA_ENTRY_FILE } from '/work/main/cdk/constructs/lambda-bundling.js';
import { weighBundle } from '/work/main/cdk/constructs/bundle-weight.js';
const files = process.argv.slice(2);
for (const f of files) {
  const { metafile } = await build({ ...lambdaBuildOptions('/work/main', `lambdas/handlers/${f}`, '/x'), write: false });
  const w = weighBundle(metafile, LAMBDA_ENTRY_FILE);
  console.log(f, (w.eagerBytes/1024).toFixed(0), w.eagerInputs.slice(0, 14).map(([n,b])=>`${n}:${(b/1024).toFixed(0)}`).join(' '));
}
