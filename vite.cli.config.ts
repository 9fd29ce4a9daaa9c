/**
 * Bundles the `outbound` command for Node: `npm run build:cli` writes dist/cli/ (entry outbound.js),
 * which bin/outbound runs; `npm install` builds it (package.json's `prepare`), and so does `npm run
 * build`. A command then loads a few files — one per part it loads on demand (the core, the SMTP
 * client, the message composer, the HTML body) — instead of a hundred TypeScript modules and zod's
 * files resolved, read and compiled one by one at every start.
 */
import { defineConfig, type Plugin } from 'vite';

const NODEMAILER = `${import.meta.dirname}/node_modules/nodemailer/dist/cjs`;
const LAZY_FETCH = '\0nodemailer-fetch-on-first-call';

/**
 * nodemailer's HTTP client (for content given by URL, and OAuth2 token refreshes) loads when first
 * called, not with the SMTP client and the composer that require it: it loads Node's http, https and
 * zlib, about 10 ms and 2 MiB of a `send` that never speaks HTTP. Its callers only call it.
 */
const fetchOnFirstCall: Plugin = {
  name: 'nodemailer-fetch-on-first-call',
  enforce: 'pre',
  resolveId: (source, importer) => (/\/fetch\/index\.js$/.test(source) && importer?.startsWith(NODEMAILER) ? LAZY_FETCH : undefined),
  load: (id) =>
    id === LAZY_FETCH
      ? `module.exports = function nmfetch(url, options) { return require(${JSON.stringify(`${NODEMAILER}/fetch/index.js`)})(url, options); };`
      : undefined,
};

export default defineConfig({
  publicDir: false,
  plugins: [fetchOnFirstCall],
  resolve: {
    // nodemailer's CommonJS build, not its ES modules: required, Node's built-in http stays a plain
    // object, where importing it as a module evaluates every export, loading Node's fetch (undici) —
    // about 40 ms of a `send` that never speaks HTTP.
    alias: [{ find: /^nodemailer\/lib\/(.+)$/, replacement: `${NODEMAILER}/$1/index.js` }],
  },
  build: {
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: false,
    ssr: 'main/hosts/cli/bin.ts',
    rolldownOptions: {
      output: { entryFileNames: 'outbound.js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  // zod and nodemailer are inlined (many small files); the native modules and the HTML libraries (only
  // for an HTML body) are loaded from node_modules.
  ssr: { noExternal: ['zod', 'nodemailer'] },
});
