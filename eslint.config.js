// @ts-check
import tseslint from 'typescript-eslint';
import localRules from './.eslint/code-layering.js';
import importCycles from './.eslint/no-import-cycles.js';

/**
 * The layers, by where their code runs (ARCHITECTURE.md, "Layers"). A file belongs to the layer of its
 * folder; it may import its own layer and those listed. Only the Electron shell and the Electron
 * preload may load `electron`; the layers that run in Chromium (or everywhere) may not use Node.
 */
const LAYERS = [
  { name: 'common', folders: ['preload/common'], mayImport: [], modules: { node: false } },
  { name: 'core', folders: ['main/core'], mayImport: ['common'] },
  { name: 'hosts', folders: ['main/hosts'], mayImport: ['common', 'core'] },
  // The CLI reaches the core only through the contract: it opens it with main/hosts/in-process.ts.
  { name: 'cli', folders: ['main/hosts/cli'], mayImport: ['common', 'hosts'] },
  // The installed app is also the `outbound` command: its main process runs the CLI when the arguments name a command.
  { name: 'electron-main', folders: ['main/electron'], mayImport: ['common', 'core', 'hosts', 'cli'], modules: { electron: true } },
  { name: 'electron-preload', folders: ['preload/electron'], mayImport: ['common'], modules: { electron: true, node: false } },
  { name: 'browser-preload', folders: ['preload/browser'], mayImport: ['common'], modules: { node: false } },
  { name: 'renderer', folders: ['renderer'], mayImport: ['common'], modules: { node: false } },
  // The shell's tests load it against a stand-in `electron` (vi.mock), never the real one.
  { name: 'test', folders: ['test'], mayImport: ['common', 'core', 'hosts', 'cli', 'electron-main', 'electron-preload', 'browser-preload', 'renderer'] },
  { name: 'bench', folders: ['bench'], mayImport: ['common', 'core', 'hosts', 'cli', 'test'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'reports/**', '.stryker-tmp/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // A file past this has more than one job: split it by job (outbox/store/, accounts/store/).
      'max-lines': ['error', { max: 400 }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { local: localRules },
    rules: { 'local/code-layering': ['error', { layers: LAYERS }] },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { cycles: importCycles },
    rules: { 'cycles/no-import-cycles': 'error' },
  },
);
