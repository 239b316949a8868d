import { build } from 'esbuild';
import { lambdaBuildOptions, LAMBDA_ENTRY_FILE } from '/work/main/cdk/constructs/lambda-bundling.js';
const [f, filter] = process.argv.slice(2);
const { metafile } = await build({ ...lambdaBuildOptions('/work/main', `lambdas/handlers/${f}`, '/x'), write: false });
const m = new Map<string, number>();
for (const [out, o] of Object.entries(metafile.outputs)) {
  if (out.endsWith('.map')) continue;
  for (const [i, { bytesInOutput }] of Object.entries(o.inputs)) if (i.includes(filter)) m.set(out.replace('/x/','')+' '+i.replace(/.*node_modules\//,''), bytesInOutput);
}
for (const [k, v] of [...m].sort((a,b)=>b[1]-a[1]).slice(0, 40)) console.log((v/1024).toFixed(1), k);
