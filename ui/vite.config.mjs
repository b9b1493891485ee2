// The dashboard: Preact components (TSX) and uPlot, built into dist/ui, which the HTTP server
// serves (src/server/http-server.ts). `make build` runs this after tsc.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'ui',
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: '../dist/ui', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
  logLevel: 'warn',
});
