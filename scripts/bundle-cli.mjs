#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/entry.js, from tsc) with its pure-JavaScript
// dependencies into dist/cli/: one file to load instead of some 150 modules to resolve, read
// and compile, which takes ~30 ms off every `labbook` command. Commands and the libraries only
// some of them use stay separate chunks, loaded when needed. Kept out of the bundle: native
// addons (resvg), large libraries behind lazy imports (vega, the Parquet
// writer, nodemailer, the HTTP server's Fastify) and tsx (it loads users' TypeScript at run time).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/cli', { recursive: true, force: true }); // chunks of an earlier build

await build({
  entryPoints: { labbook: 'dist/src/cli/entry.js' },
  outdir: 'dist/cli',
  // Chunks next to the entry: src/package-files.ts relies on every module being two levels deep.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: [
    '@resvg/resvg-js',
    'vega',
    'vega-lite',
    'hyparquet',
    'hyparquet-writer',
    'nodemailer',
    'tsx',
    'fastify',
    '@fastify/static',
    '@fastify/rate-limit',
  ],
  // CommonJS dependencies (commander) call require() for Node's modules; an ES module has none.
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
