import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer: loaded from disk by Electron and from the loopback browser host, hence relative URLs. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
  },
});
