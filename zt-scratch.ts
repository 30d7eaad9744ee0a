import { build } from 'esbuild';
const r = await build({ entryPoints: [process.argv[2] as string], bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, mainFields: ['module', 'main'], write: false, metafile: true, outdir: '/tmp/x', logLevel: 'silent' });
const out = Object.values(r.metafile.outputs)[0]!;
const rows = Object.entries(out.inputs).filter(([p]) => !p.includes('@aws-sdk') && !p.includes('@smithy') && !p.includes('mnemonist') && !p.includes('obliterator') && !p.includes('invoke-store')).map(([p, v]) => [p.replace(/^.*node_modules\//, ''), v.bytesInOutput] as const).sort((a, b) => b[1] - a[1]);
const zod = rows.filter(([p]) => p.startsWith('zod')).reduce((a, [, b]) => a + b, 0);
console.log(`zod ${(zod / 1024).toFixed(1)}; ` + rows.filter(([p]) => !p.startsWith('zod')).slice(0, 14).map(([p, b]) => `${(b / 1024).toFixed(1)} ${p.replace('shared/', '')}`).join(' | '));
console.log('total', (rows.reduce((a, [, b]) => a + b, 0) / 1024).toFixed(1));
