import { defineConfig } from 'vite';

/**
 * The browser host's stand-in for the Electron preload: one classic script (`/bridge.js`) that runs
 * before the app's module script and defines `window.outbound`.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/browser',
    emptyOutDir: true,
    target: 'es2023',
    lib: {
      entry: 'preload/browser/bridge.ts',
      formats: ['iife'],
      name: 'outboundBridge',
      fileName: () => 'bridge.js',
    },
  },
});
