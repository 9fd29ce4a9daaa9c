// @ts-check
/**
 * The house by runtime layer, in the spirit of VS Code's `code-layering` rule: a file's folder says
 * where it runs, and each layer lists the layers it may import. A wrong import fails lint, not
 * review. The table is in eslint.config.js; ARCHITECTURE.md explains it.
 *
 * Options: `{ layers: [{ name, folders: [prefix…], mayImport: [name…], modules: { electron, node } }] }`.
 * A file belongs to the layer with the longest matching folder prefix; a file in no layer is not
 * checked. Relative imports are resolved against the file; bare ones are checked against `modules`:
 * `electron: false` forbids `electron`, `node: false` forbids Node's built-in modules.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** @param {string} file @param {{ name: string, folders: string[] }[]} layers */
function layerOf(file, layers) {
  let best;
  let bestLength = -1;
  for (const layer of layers) {
    for (const folder of layer.folders) {
      const prefix = folder.endsWith('/') ? folder : `${folder}/`;
      if ((file.startsWith(prefix) || file === folder) && prefix.length > bestLength) {
        best = layer;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

/** @type {import('eslint').Rule.RuleModule} */
const codeLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'Each runtime layer imports only the layers it may (see the table in eslint.config.js).' },
    schema: [{ type: 'object', properties: { layers: { type: 'array' } }, required: ['layers'], additionalProperties: false }],
    messages: {
      layer: "'{{from}}' ({{fromLayer}}) may not import '{{spec}}' ({{toLayer}}): {{fromLayer}} may import only {{allowed}}.",
      module: "'{{from}}' ({{fromLayer}}) may not import '{{spec}}': {{why}}.",
    },
  },
  create(context) {
    const root = context.cwd;
    /** @type {{ name: string, folders: string[], mayImport: string[], modules?: { electron?: boolean, node?: boolean } }[]} */
    const layers = context.options[0].layers;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const own = layerOf(file, layers);
    if (!own) return {};

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return;
      if (value.startsWith('.')) {
        const target = path
          .relative(root, path.resolve(path.dirname(context.filename), value))
          .split(path.sep)
          .join('/');
        const theirs = layerOf(target, layers);
        if (!theirs || theirs === own || own.mayImport.includes(theirs.name)) return;
        context.report({
          node,
          messageId: 'layer',
          data: { from: file, fromLayer: own.name, spec: value, toLayer: theirs.name, allowed: [own.name, ...own.mayImport].join(', ') },
        });
        return;
      }
      const modules = own.modules ?? {};
      if (value === 'electron' && modules.electron !== true) {
        context.report({
          node,
          messageId: 'module',
          data: {
            from: file,
            fromLayer: own.name,
            spec: value,
            why: 'only the Electron shell and the Electron preload load Electron; everything else runs under plain Node or Chromium',
          },
        });
      } else if (NODE_BUILTINS.has(value) && modules.node === false) {
        context.report({
          node,
          messageId: 'module',
          data: { from: file, fromLayer: own.name, spec: value, why: 'this layer runs in Chromium (or everywhere), where Node is not there' },
        });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'code-layering': codeLayering } };
