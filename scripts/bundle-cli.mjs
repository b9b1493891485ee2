#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/entry.js, from tsc) with its pure-JavaScript
// dependencies into dist/cli/: one file to load instead of some 150 modules to resolve, read
// and compile, which takes ~30 ms off every `labbook` command. Commands and the libraries only
// some of them use stay separate chunks, loaded when needed. Kept out of the bundle: native
// addons (resvg), large libraries behind lazy imports (vega, the Parquet
// writer, nodemailer, the HTTP server's Fastify) and tsx (it loads users' TypeScript at run time).
// The YAML library, which src/spec/yaml.ts loads with require() on first use, is bundled into a
// file of its own, dist/cli/yaml.cjs: one file instead of ~70 to resolve and compile (~12 ms).
// The resident engine, as clients start it, is a bundle of its own, dist/engine/engine.cjs (see
// src/cli/engine-main.ts and engine-loader.ts): one script instead of 38 chunks of the CLI's.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const BUNDLES = ['dist/cli', 'dist/engine'];
for (const dir of BUNDLES) rmSync(dir, { recursive: true, force: true }); // chunks of an earlier build

/** src/spec/yaml.ts as bundled: its require('yaml') loads dist/cli/yaml.cjs (`bundle`: that file, from the chunks). */
const yamlFromBundle = (bundle) => ({
  name: 'yaml-from-bundle',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/]src[\\/]spec[\\/]yaml\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source.replace("require('yaml')", `require('${bundle}')`);
      if (contents === source) throw new Error(`${path} no longer calls require('yaml'): update scripts/bundle-cli.mjs`);
      return { contents, loader: 'js' };
    });
  },
});

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

/** How the CLI's and the engine's bundles are built: ES modules, with chunks loaded when needed. */
const bundleOptions = {
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
};

await build({
  ...bundleOptions,
  entryPoints: { labbook: 'dist/src/cli/entry.js' },
  outdir: 'dist/cli',
  plugins: [yamlFromBundle('./yaml.cjs')],
});

// The engine is one CommonJS script, which src/cli/engine-loader.ts compiles with a code cache
// of everything engines ran (Node's compile cache keeps only what is compiled at load). Its
// lazily imported modules are in it too, initialised on first use; import.meta.url is the file's.
await build({
  ...bundleOptions,
  splitting: false,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  entryPoints: { engine: 'dist/src/cli/engine-main.js' },
  outdir: 'dist/engine',
  define: { 'import.meta.url': '__engineBundleUrl' },
  banner: { js: "const __engineBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [yamlFromBundle('../cli/yaml.cjs')],
});

// What clients start the engine with (src/cli/engine-entry.ts): a CommonJS script too, not
// the CLI's ES module entry, whose loader and chunks a new engine would wait for (~4 ms).
await build({
  ...bundleOptions,
  splitting: false,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  entryPoints: { 'engine-entry': 'dist/src/cli/engine-entry.js' },
  outdir: 'dist/cli',
  define: { 'import.meta.url': '__entryUrl' },
  banner: { js: "const __entryUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The build's identity (src/version.ts): a digest of every file of both bundles, so that a
// checkout rebuilt with other code has another build, and its clients replace an engine still
// running the code from before.
const digest = createHash('sha256');
for (const dir of BUNDLES) {
  for (const name of readdirSync(dir).sort()) {
    digest
      .update(`${dir}/${name}\0`)
      .update(readFileSync(join(dir, name)))
      .update('\0');
  }
}
writeFileSync('dist/cli/build-id', `${digest.digest('hex').slice(0, 16)}\n`);
