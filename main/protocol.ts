/**
 * The renderer is served from `app://outbound/`, a privileged custom scheme, rather than `file://`:
 * the page gets a real origin (so IPC senders and navigations can be checked against it), no file
 * system reach beyond `dist/renderer`, and the same CSP header on every response.
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const APP_SCHEME = 'app';
const APP_HOST = 'outbound';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Identical to the meta CSP in renderer/index.html (test/static/shell-security.test.ts holds them together). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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

/** Must run before the app is ready: Chromium fixes the scheme table at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: real origin and relative URLs; secure: a secure context. No bypassCSP, no CORS opening.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** True only for URLs of our own renderer (`app://outbound/…`). */
export function isAppUrl(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** Serve files under `rendererDir` (dist/renderer) at `app://outbound/`. */
export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed');
    const file = rendererFileOf(root, request.url);
    if (file === null) return respond(403, 'Forbidden');
    try {
      const body = await readFile(file);
      return respond(200, request.method === 'HEAD' ? '' : body, CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    } catch {
      return respond(404, 'Not found');
    }
  });
}

/**
 * The file a URL names inside `root`, or null when it is not ours or escapes `root`. The URL parser
 * resolves `..` and `%2e%2e` segments, but not `..%2f`, backslashes or NUL bytes: checked after decoding.
 */
function rendererFileOf(root: string, url: string): string | null {
  const parsed = URL.parse(url);
  if (parsed === null || !isAppUrl(url)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
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

/** Every response leaves through here, so every response carries the CSP. */
function respond(status: number, body: string | Uint8Array<ArrayBuffer>, contentType = 'text/plain; charset=utf-8'): Response {
  return new Response(body, {
    status,
    headers: {
      'Content-Type': contentType,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
