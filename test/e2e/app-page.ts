/**
 * What every e2e test stands on: a real SMTP server, a core on a fresh data directory trusting its
 * CA, the browser host over that core, and the app in headless Chromium, collecting what goes wrong
 * in the page. `close` takes it all down again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBrowserHostForCore, type BrowserHost } from '../../main/browser-host/server.ts';
import { openCore, type Core, type CoreOptions } from '../../main/core/index.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../helpers/smtp.ts';
import { builtApp, screenshotsDir } from './built-app.ts';

export interface E2eApp {
  smtp: TestSmtpServer;
  core: Core;
  host: BrowserHost;
  browser: Browser;
  page: Page;
  /** Script errors and console errors (CSP violations land here) seen in the page. */
  problems: string[];
  close(): Promise<void>;
}

export async function startE2eApp(smtpOptions: SmtpServerOptions = {}, coreOptions: CoreOptions = {}): Promise<E2eApp> {
  const smtp = await startSmtpServer(smtpOptions);
  const home = await mkdtemp(path.join(tmpdir(), 'outbound-e2e-'));
  const core = openCore({ ...coreOptions, home, extraCaCertificates: [smtp.ca] });
  const host = await startBrowserHostForCore(core, builtApp());
  await mkdir(screenshotsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Chromium notes that frame-ancestors has no effect in a meta tag; the host also sends it as a header.
    if (message.type() === 'error' && !message.text().includes("'frame-ancestors'")) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${host.url}#token=${host.token}`);
  return {
    smtp, core, host, browser, page, problems,
    async close() {
      await browser.close();
      await host.close();
      await core.close();
      await smtp.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
