/**
 * Where the built renderer's files are and what they are: shared by the app:// protocol (Electron)
 * and the browser host (Node), so both refuse the same escapes and send the same types. No Electron.
 */
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * What the page's CSP header adds to its meta tag (renderer/index.html): the directives a <meta>
 * policy cannot carry (Chromium ignores them there, with a console error), so both servers send them
 * only as a header.
 */
export const HEADER_ONLY_CSP = "frame-ancestors 'none'";

export const contentTypeOf = (file: string): string => CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The file a URL path names inside `root`, or null when it escapes `root`. URL parsers resolve the
 * literal `..` and `%2e%2e`, but not `..%2f`, backslashes or NUL bytes: checked after decoding.
 */
export function rendererFileOf(root: string, pathname: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative === '/') relative = '/index.html';
  const file = path.resolve(root, `.${relative}`);
  const inside = path.relative(root, file);
  const escapes = inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
  return inside === '' || escapes ? null : file;
}
