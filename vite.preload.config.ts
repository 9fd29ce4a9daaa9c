/**
 * Bundles the sandboxed preload into ONE CommonJS file: a sandboxed preload can require only
 * Electron's own modules, so the contract (and zod) must be inlined. `npm run build:preload`.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/preload',
    // build:main runs first and puts dist/preload/common/ here (dist/main imports it); this build
    // only ever writes index.cjs, which it overwrites.
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    sourcemap: false,
    lib: {
      entry: 'preload/electron/index.ts',
      formats: ['cjs'],
      fileName: () => 'index.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
      output: { codeSplitting: false },
    },
  },
});
