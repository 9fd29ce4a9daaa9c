// @ts-check
/**
 * No import cycles anywhere, type-only imports included: two modules that import each other are
 * one piece cut in two, or one of them holds what both need and should be a module of its own.
 * (eslint-plugin-import-x's `no-cycle` skips type-only imports, so it missed App.tsx and Compose.tsx
 * importing each other over the `Screen` type.)
 *
 * Each relative import of the linted file is followed through the files it leads to; the rule
 * reports it when the way leads back. Other files' imports are read with TypeScript's
 * `preProcessFile` (every form: import and export from, `import type`, `import()`, `require()`),
 * cached by modification time, so a long-running editor session sees edits too.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
/** What a specifier without its file's extension may name (the renderer's bundler allows that). */
const IMPLIED = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'];

/** @param {string} file */
function isSourceFile(file) {
  if (!SOURCE.test(file)) return false;
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The source file a relative specifier names, or null (a package, a stylesheet, a file that is not there). @param {string} from @param {string} spec */
function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  return IMPLIED.map((ending) => base + ending).find(isSourceFile) ?? null;
}

/** @type {Map<string, { mtimeMs: number, targets: string[] }>} */
const importsCache = new Map();

/** The source files `file` imports. @param {string} file */
function importsOf(file) {
  const { mtimeMs } = statSync(file);
  const cached = importsCache.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.targets;
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = [...new Set(importedFiles.map(({ fileName }) => resolve(file, fileName)).filter((target) => target !== null))];
  importsCache.set(file, { mtimeMs, targets });
  return targets;
}

/** The files from `start` to one that imports `file`, or null when no way leads back. @param {string} start @param {string} file */
function wayBack(start, file) {
  /** @type {Map<string, string | null>} each file reached, with the one it was reached from */
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const target of importsOf(next)) {
      if (target === file) {
        const way = [];
        for (let at = /** @type {string | null} */ (next); at !== null; at = cameFrom.get(at) ?? null) way.unshift(at);
        return way;
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, next);
        queue.push(target);
      }
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const noImportCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'No module imports, through any chain of imports (type-only ones included), a module that imports it back.' },
    schema: [],
    messages: {
      cycle: 'Import cycle: {{way}}. Move what both sides need into a module of its own, or let only one side import the other.',
    },
  },
  create(context) {
    const file = context.filename;
    const relative = (/** @type {string} */ f) => path.relative(context.cwd, f).split(path.sep).join('/');

    /** @param {import('estree').Node} node @param {unknown} spec */
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      const target = resolve(file, spec);
      if (target === null) return;
      const way = target === file ? [] : wayBack(target, file);
      if (way === null) return;
      context.report({ node, messageId: 'cycle', data: { way: [file, ...way, file].map(relative).join(' → ') } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'no-import-cycles': noImportCycles } };
