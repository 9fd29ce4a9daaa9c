/**
 * The renderer is served from `app://outbound/`, a privileged custom scheme, rather than `file://`:
 * the page gets a real origin (so IPC senders and navigations can be checked against it), no file
 * system reach beyond `dist/renderer`, and the same CSP header on every response.
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeOf, HEADER_ONLY_CSP, rendererFileOf } from '../hosts/renderer-files.ts';

const APP_SCHEME = 'app';
const APP_HOST = 'outbound';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The meta CSP in renderer/index.html (test/static/shell-security.test.ts holds them together), and what only a header can say. */
export const CONTENT_SECURITY_POLICY =
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; ${HEADER_ONLY_CSP}`;

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
    const url = URL.parse(request.url);
    const file = url && isAppUrl(request.url) ? rendererFileOf(root, url.pathname) : null;
    if (file === null) return respond(403, 'Forbidden');
    try {
      const body = await readFile(file);
      return respond(200, request.method === 'HEAD' ? '' : body, contentTypeOf(file));
    } catch {
      return respond(404, 'Not found');
    }
  });
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
