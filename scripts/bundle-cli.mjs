#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/entry.js, from tsc) with its pure-JavaScript
// dependencies into dist/cli/: one file to load instead of some 150 modules to resolve, read
// and compile, which takes ~30 ms off every `labbook` command. Commands and the libraries only
// some of them use stay separate chunks, loaded when needed. Kept out of the bundle: native
// addons (resvg), large libraries behind lazy imports (vega, the Parquet
// writer, nodemailer, the HTTP server's Fastify) and tsx (it loads users' TypeScript at run time).
// The YAML library, which src/spec/yaml.ts loads with require() on first use, is bundled into a
// file of its own, dist/cli/yaml.cjs: one file instead of ~70 to resolve and compile (~12 ms).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

rmSync('dist/cli', { recursive: true, force: true }); // chunks of an earlier build

const YAML_BUNDLE = './yaml.cjs';

/** src/spec/yaml.ts as bundled: its require('yaml') loads dist/cli/yaml.cjs (YAML_BUNDLE, next to the chunks). */
const yamlFromBundle = {
  name: 'yaml-from-bundle',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/]src[\\/]spec[\\/]yaml\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source.replace("require('yaml')", `require('${YAML_BUNDLE}')`);
      if (contents === source) throw new Error(`${path} no longer calls require('yaml'): update scripts/bundle-cli.mjs`);
      return { contents, loader: 'js' };
    });
  },
};

await build({
  entryPoints: { yaml: createRequire(import.meta.url).resolve('yaml') },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist/cli',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  logLevel: 'warning',
});

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
  plugins: [yamlFromBundle],
  logLevel: 'warning',
});

// The build's identity (src/version.ts): a digest of every file of the bundle, so that a
// checkout rebuilt with other code has another build, and its clients replace an engine still
// running the code from before.
const digest = createHash('sha256');
for (const name of readdirSync('dist/cli').sort()) {
  digest
    .update(`${name}\0`)
    .update(readFileSync(join('dist/cli', name)))
    .update('\0');
}
writeFileSync('dist/cli/build-id', `${digest.digest('hex').slice(0, 16)}\n`);
