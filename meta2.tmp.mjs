import { build } from 'esbuild';
const r = await build({ entryPoints: [process.argv[2]], bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node22', write: false, metafile: true, outfile: '/tmp/out.mjs', mainFields: ['module','main'] });
const out = Object.values(r.metafile.outputs)[0];
const groups = {};
for (const [k,v] of Object.entries(out.inputs)) { const g = k.startsWith('node_modules/') ? k.split('/').slice(0, k.split('/')[1].startsWith('@') ? 3 : 2).join('/') : k.split('/').slice(0,2).join('/'); groups[g]=(groups[g]??0)+v.bytesInOutput; }
console.log('total', out.bytes);
for (const [g,b] of Object.entries(groups).sort((a,b)=>b[1]-a[1]).slice(0,22)) console.log(b, g);
