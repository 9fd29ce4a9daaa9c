/**
 * What every e2e test stands on: a real SMTP server, a core on a fresh data directory trusting its
 * CA, the browser host over that core, and the app in headless Chromium, collecting what goes wrong
 * in the page. `close` takes it all down again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBrowserHostForCore, type BrowserHost } from '../../main/hosts/browser/server.ts';
import { openCore, type Core, type CoreOptions } from '../../main/core/index.ts';
import { inProcessApi } from '../../main/hosts/in-process.ts';
import type { OutboundApi } from '../../preload/common/contract/index.ts';
import { withTestDns } from '../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../helpers/smtp.ts';
import { builtApp, screenshotsDir } from './built-app.ts';

export interface E2eApp {
  smtp: TestSmtpServer;
  core: Core;
  /** The contract over the same core, in-process through dispatch (validation and defaults), to set things up behind the page. */
  api: OutboundApi;
  host: BrowserHost;
  browser: Browser;
  page: Page;
  /** Script errors and console errors (CSP violations land here) seen in the page. */
  problems: string[];
  /** Takes it all down, then fails if the page had any problem: no test file can forget to look. */
  close(): Promise<void>;
}

/** Every script error and console error (CSP violations land there) `page` will have, as they come. */
export function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** `coreOptions.home`, when given, is the caller's (kept for the secrets scan); otherwise a temporary one is made and removed. */
export async function startE2eApp(smtpOptions: SmtpServerOptions = {}, coreOptions: CoreOptions = {}): Promise<E2eApp> {
  const smtp = await startSmtpServer(smtpOptions);
  const home = coreOptions.home ?? (await mkdtemp(path.join(tmpdir(), 'outbound-e2e-')));
  const core = openCore({ ...withTestDns(coreOptions), home, extraCaCertificates: [smtp.ca] });
  const host = await startBrowserHostForCore(core, builtApp());
  await mkdir(screenshotsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  const problems = problemsOf(page);
  await page.goto(`${host.url}#token=${host.token}`);
  const api = inProcessApi(core);
  return {
    smtp, core, api, host, browser, page, problems,
    async close() {
      await browser.close();
      await host.close();
      await core.close();
      await smtp.close();
      if (!coreOptions.home) await rm(home, { recursive: true, force: true });
      if (problems.length > 0) throw new Error(`The page had errors:\n${problems.join('\n')}`);
    },
  };
}

export interface ComposeFields {
  /** The From option's label, e.g. `Ann <ann@example.org> (Work)`. */
  from?: string;
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  /** Typed into the plain-text body (the composer remembers the mode). */
  text?: string;
}

/** The chips of a recipient field (To, Cc, Bcc). */
export const chipsOf = (page: Page, label: string) => page.getByRole('list', { name: `${label} recipients` }).getByTestId('chip');
/** What the chips of a recipient field show, e.g. `['Ann Smith ann@example.org', 'bob@example.net']`. */
export const chipTexts = (page: Page, label: string) => chipsOf(page, label).locator('.chip-text').allTextContents();

/** Fill the composer as a person would: each recipient field's chips replaced by the list typed, a plain-text body. */
export async function fillComposer(page: Page, fields: ComposeFields): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'Compose', exact: true }).click();
  if (fields.from) await page.getByLabel('From').selectOption({ label: fields.from });
  for (const [label, list] of [['To', fields.to], ['Cc', fields.cc], ['Bcc', fields.bcc]] as const) {
    const removeButtons = chipsOf(page, label).getByRole('button', { name: /^Remove / });
    while ((await removeButtons.count()) > 0) await removeButtons.first().click();
    await page.getByLabel(label, { exact: true }).fill(list ?? '');
  }
  await page.getByLabel('Subject').fill(fields.subject);
  await page.getByLabel('Plain text').setChecked(true);
  await page.getByLabel('Message', { exact: true }).fill(fields.text ?? 'Hello.');
}
