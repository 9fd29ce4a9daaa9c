// @ts-check
import tseslint from 'typescript-eslint';

/** The only files that may load Electron: the thin shell. Everything else runs under plain Node or Chromium. */
const electronShell = ['main/index.ts', 'main/window.ts', 'main/ipc.ts', 'main/protocol.ts', 'preload/index.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: electronShell,
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only the Electron shell (main/index.ts, window.ts, ipc.ts, protocol.ts, preload/index.ts) may import electron; the core must run under plain Node.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to main only through window.outbound.' }],
        patterns: [
          { group: ['**/main/**', '../main/*', '../../main/*'], message: 'The renderer must not import main/: use window.outbound.' },
          // preload/common/ runs everywhere, so the renderer may use its code; from the rest of preload/ (the contract) only types.
          { regex: '(^|/)preload/(?!common/)|(^|/)preload/common/.*\\.\\.', allowTypeImports: true, message: 'The renderer may only `import type` from preload/ (the contract), except from preload/common/.' },
        ],
      }],
    },
  },
);
