/**
 * The renderer is served from `app://outbound/`, a privileged custom scheme, rather than `file://`:
 * the page gets a real origin (so IPC senders and navigations can be checked against it), no file
 * system reach beyond `dist/renderer`, and the same CSP header on every response. No Electron: the
 * shell (main/electron/protocol.ts) registers the scheme and hands every request to `appRequestHandler`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeOf, HEADER_ONLY_CSP, rendererFileOf } from '../renderer-files.ts';

export const APP_SCHEME = 'app';
const APP_HOST = 'outbound';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** standard: a real origin and relative URLs; secure: a secure context. No bypassCSP, no CORS opening, no service workers. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The meta CSP in renderer/index.html (test/static/shell-security.test.ts holds them together), and what only a header can say. */
const CONTENT_SECURITY_POLICY = `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; ${HEADER_ONLY_CSP}`;

/** True only for URLs of our own renderer (`app://outbound/…`). */
export function isAppUrl(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/**
 * A download the window may start: only a Blob the page itself made (a saved attachment, an
 * exported .eml: `blob:app://outbound/…`), never a file fetched from elsewhere.
 */
export function isPageDownload(url: string): boolean {
  return url.startsWith('blob:') && isAppUrl(url.slice('blob:'.length));
}

/** The answer to each app:// request: files under `rendererDir` (dist/renderer) only, GET and HEAD only. */
export function appRequestHandler(rendererDir: string): (request: { method: string; url: string }) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
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
  };
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
