import { build } from 'esbuild';
const file = process.argv[2];
const r = await build({ entryPoints: [file], outfile: '/tmp/i14-out/' + file.split('/').pop().replace('.ts','.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, mainFields: ['module','main'], metafile: true, logLevel: 'error',
 banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
const out = Object.values(r.metafile.outputs)[0];
const by = {};
for (const [k, v] of Object.entries(out.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(k); const key = m ? m[1] : k.split('/').slice(0,2).join('/');
  by[key] = (by[key] ?? 0) + v.bytesInOutput;
}
console.log(file, (out.bytes/1024).toFixed(1));
for (const [k,v] of Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,14)) console.log('  ', k, (v/1024).toFixed(1));
