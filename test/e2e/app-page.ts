/**
 * What every e2e test stands on: a real SMTP server, a core on a fresh data directory trusting its
 * CA, the browser host over that core, and the app in headless Chromium, collecting what goes wrong
 * in the page. `close` takes it all down again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startBrowserHostForCore, type BrowserHost } from '../../main/hosts/browser/server.ts';
import { openCore, type Core, type CoreOptions } from '../../main/core/index.ts';
import { inProcessApi } from '../../main/hosts/in-process.ts';
import type { OutboundApi } from '../../preload/common/contract/index.ts';
import { withTestDns } from '../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../helpers/smtp.ts';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { builtApp, failuresDir, screenshotsDir } from './built-app.ts';
import { launchBrowser } from './chromium.ts';

export { launchBrowser };

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

/**
 * The time zone and language every e2e page runs in, whatever the machine's: a zone without daylight
 * saving, so no local time is skipped or repeated, at a half-hour offset, so a renderer that took
 * local time for UTC, or an offset for whole hours, shows it.
 */
export const E2E_TIME_ZONE = { id: 'Asia/Kolkata', offsetMinutes: 5 * 60 + 30 } as const;
export const E2E_LOCALE = 'en-US';
/** Below vitest's testTimeout (30 s), so that a failing wait names what it waited for. */
const PLAYWRIGHT_TIMEOUT_MS = 10_000;

/** What a `datetime-local` input takes for the instant `ms`, in E2E_TIME_ZONE, to the minute. */
export const localMinute = (ms: number): string => new Date(ms + E2E_TIME_ZONE.offsetMinutes * 60_000).toISOString().slice(0, 16);

/** One browser for the test file that calls this, launched before its tests and closed after them. */
export function browserForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    await mkdir(screenshotsDir, { recursive: true });
  });
  afterAll(() => browser?.close());
  return () => {
    if (!browser) throw new Error('browserForFile(): the browser is launched in beforeAll; ask for it inside a test.');
    return browser;
  };
}

/** Screenshots of the page as it is, light and dark, named `name.png` and `name-dark.png`, for a person to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(screenshotsDir, `${name}${scheme === 'dark' ? '-dark' : ''}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * A message's card in the Outbox or Sent: its compact row (in `state`, when given) clicked open in
 * place, unless it is open already. Waits for the row to be listed.
 */
export async function openMessage(page: Page, subject: string | RegExp, state?: string): Promise<Locator> {
  const which = state ? `[data-testid="message"][data-state="${state}"]` : '[data-testid="message"]';
  const card = page.locator(`.opened-message ${which}`).filter({ hasText: subject });
  if ((await card.count()) === 0) await page.locator(`.message-row${which}`).filter({ hasText: subject }).click();
  await card.waitFor();
  return card;
}

/** The main navigation's button to a screen. */
export const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });

/** A page in a context of its own, in E2E_TIME_ZONE and E2E_LOCALE, with its problems collected. */
export async function newTestPage(browser: Browser, viewport = { width: 1100, height: 820 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, timezoneId: E2E_TIME_ZONE.id, locale: E2E_LOCALE });
  page.setDefaultTimeout(PLAYWRIGHT_TIMEOUT_MS);
  pagesOpen.add(page);
  page.once('close', () => pagesOpen.delete(page));
  return { page, problems: problemsOf(page) };
}

const pagesOpen = new Set<Page>();
// A failed test shows what its pages showed: in the log (all a CI run leaves), and as a picture in
// test-results/failures. afterEach runs before the test's own clean-up closes its page.
afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  const name = task.name.replace(/[^\w-]+/g, '-').slice(0, 80);
  await mkdir(failuresDir, { recursive: true });
  for (const [n, page] of [...pagesOpen].entries()) {
    const text = await page
      .locator('body')
      .innerText({ timeout: 2000 })
      .catch((error: Error) => `(no text: ${error.message})`);
    console.error(`The page of the failed test "${task.name}" showed:\n${text.slice(0, 2000)}`);
    await page.screenshot({ path: path.join(failuresDir, `${name}-${n}.png`), timeout: 5000 }).catch(() => undefined);
  }
});

/** Every script error and console error (CSP violations land there) `page` will have, as they come. */
export function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

export interface E2eAppOptions {
  /** A browser the caller launched and closes (one per test file): the app gets a page of its own in it. */
  browser?: Browser;
  /** Runs before the page first loads: what the page should find already there (accounts, settings, messages). */
  prepare?: (app: Pick<E2eApp, 'smtp' | 'core' | 'api'>) => Promise<void>;
}

/** `coreOptions.home`, when given, is the caller's (kept for the secrets scan); otherwise a temporary one is made and removed. */
export async function startE2eApp(smtpOptions: SmtpServerOptions = {}, coreOptions: CoreOptions = {}, options: E2eAppOptions = {}): Promise<E2eApp> {
  const smtp = await startSmtpServer(smtpOptions);
  const home = coreOptions.home ?? (await mkdtemp(path.join(tmpdir(), 'outbound-e2e-')));
  const core = openCore({ ...withTestDns(coreOptions), home, extraCaCertificates: [smtp.ca] });
  const api = inProcessApi(core);
  await options.prepare?.({ smtp, core, api });
  const host = await startBrowserHostForCore(core, builtApp());
  await mkdir(screenshotsDir, { recursive: true });
  const browser = options.browser ?? (await launchBrowser());
  const { page, problems } = await newTestPage(browser);
  await page.goto(`${host.url}#token=${host.token}`);
  return {
    smtp,
    core,
    api,
    host,
    browser,
    page,
    problems,
    async close() {
      await (options.browser ? page.close() : browser.close());
      await host.close();
      await core.close();
      await smtp.close();
      if (!coreOptions.home) await rm(home, { recursive: true, force: true });
      if (problems.length > 0) throw new Error(`The page had errors:\n${problems.join('\n')}`);
    },
  };
}

/**
 * The full account form for a new account, as a person reaches it: the Accounts screen, the one-step
 * setup (already open while there is no account, else behind "Add account"), then "Edit settings".
 */
export async function openFullAccountForm(page: Page): Promise<void> {
  await nav(page, 'Accounts').click();
  await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
  const editSettings = page.getByRole('button', { name: 'Edit settings', exact: true });
  const addAccount = page.getByRole('button', { name: 'Add account', exact: true });
  // The screen shows one of the two once it has its accounts: wait for it, then take the way it offers.
  await editSettings.or(addAccount).first().waitFor();
  if (!(await editSettings.isVisible())) await addAccount.click();
  await editSettings.click();
  await page.getByLabel('Account name').waitFor();
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
  for (const [label, list] of [
    ['To', fields.to],
    ['Cc', fields.cc],
    ['Bcc', fields.bcc],
  ] as const) {
    // Cc and Bcc are behind "Add Cc" and "Add Bcc" until used.
    const add = page.getByRole('button', { name: `Add ${label}`, exact: true });
    if (list && (await add.count()) > 0) await add.click();
    if ((await page.getByLabel(label, { exact: true }).count()) === 0) continue;
    const removeButtons = chipsOf(page, label).getByRole('button', { name: /^Remove / });
    while ((await removeButtons.count()) > 0) await removeButtons.first().click();
    await page.getByLabel(label, { exact: true }).fill(list ?? '');
  }
  await page.getByLabel('Subject').fill(fields.subject);
  await page.getByLabel('Plain text').setChecked(true);
  await page.getByLabel('Message', { exact: true }).fill(fields.text ?? 'Hello.');
}
