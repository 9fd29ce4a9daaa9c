/** app:// (main/hosts/desktop/app-scheme.ts): which URLs are ours, and what the file server answers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, appRequestHandler, isAppUrl } from '../../../main/hosts/desktop/app-scheme.ts';

/** renderer/index.html's meta policy plus frame-ancestors, which only a header can carry. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

describe('our URLs', () => {
  it.each([
    [APP_ENTRY_URL, true],
    ['app://outbound/assets/app.js#x', true],
    // Chromium writes a standard scheme's host in lower case; the check takes only that form.
    ['app://OUTBOUND/index.html', false],
    ['app://outbound.evil/index.html', false],
    ['app://evil/outbound', false],
    ['app://outbound:8080/index.html', false],
    ['https://outbound/index.html', false],
    ['file:///index.html', false],
    ['not a url', false],
  ])('%s is ours: %s', (url, ours) => {
    expect(isAppUrl(url)).toBe(ours);
  });
});

describe('the app:// file server', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-protocol-'));
  const rendererDir = path.join(scratch, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Outbound</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(scratch, 'secret.txt'), 'outside the renderer');
  const serve = appRequestHandler(rendererDir);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['app://outbound/', 200, 'text/html; charset=utf-8'],
    ['app://outbound/index.html', 200, 'text/html; charset=utf-8'],
    ['app://outbound/assets/app.js', 200, 'text/javascript; charset=utf-8'],
    ['app://outbound/missing.js', 404, 'text/plain; charset=utf-8'],
    // The URL parser itself resolves an encoded dot-segment: this names renderer/secret.txt, absent.
    ['app://outbound/%2e%2e/secret.txt', 404, 'text/plain; charset=utf-8'],
    ['app://outbound/%2e%2e%2fsecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/assets/..%2f..%2fsecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/..%5csecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/%00index.html', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/%E0%A4%A', 403, 'text/plain; charset=utf-8'],
    ['app://elsewhere/index.html', 403, 'text/plain; charset=utf-8'],
  ])('GET %s answers %i with the CSP header', async (url, status, type) => {
    const response = await serve({ method: 'GET', url });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    if (status !== 200) expect(await response.text()).not.toContain('outside the renderer');
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await serve({ method: 'HEAD', url: APP_ENTRY_URL });
    expect([head.status, await head.text()]).toEqual([200, '']);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await serve({ method, url: APP_ENTRY_URL });
      expect(response.status).toBe(405);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
    }
  });
});
