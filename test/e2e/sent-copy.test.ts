/**
 * The copy in Sent on the page, in Chromium against the real core and a Dovecot IMAP the test
 * starts: the account editor's IMAP fields save the server; the Sent screen says of each message
 * where its copy is (saved in the \Sent folder, waiting for an IMAP server that is away, failed as
 * too big, with its retry). Screenshots light and dark land in test-results/screenshots/.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { accountFor, value } from '../helpers/core.ts';
import { missingDovecotImap, SENT, startImapServer, type TestImapServer } from '../helpers/imap.ts';
import { closedPort } from '../helpers/net.ts';
import { testCertificates } from '../helpers/tls.ts';
import { launchBrowser, openMessage, startE2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const USER = { name: 'me', pass: 's3cret pass' };
const missing = missingDovecotImap();
let browser: Browser;
let imap: TestImapServer;
beforeAll(async () => {
  if (missing) return;
  browser = await launchBrowser();
  // Messages over 2 000 bytes are too big for this Sent folder.
  imap = await startImapServer({ user: USER, certificate: await testCertificates(), appendLimit: 2_000 });
});
afterAll(async () => {
  await browser?.close();
  await imap?.stop();
});

describe.skipIf(missing)('the copy in Sent on the page', () => {
  it('the Sent screen shows each copy: saved, waiting with its reason, failed with a retry', async () => {
    const away = await closedPort();
    const app = await startE2eApp(
      { auth: { user: USER.name, pass: USER.pass } },
      {},
      {
        browser,
        async prepare({ smtp, api }) {
          await value(api.settings.save({ undoSeconds: 0 }));
          const work = await value(
            api.accounts.save(accountFor(smtp, { sentCopy: 'always', imap: { host: '127.0.0.1', port: imap.port, security: 'starttls' } })),
          );
          const home = await value(
            api.accounts.save(accountFor(smtp, { name: 'Home', sentCopy: 'always', imap: { host: '127.0.0.1', port: away, security: 'tls' } })),
          );
          const send = (accountId: number, subject: string, text: string) => value(api.outbox.send({ accountId, to: ['ann@example.org'], subject, text }));
          await send(work.id, 'Minutes', 'Short.');
          await send(work.id, 'The whole report', 'A long line of the report.\n'.repeat(200));
          await send(home.id, 'From home', 'Hello.');
          await value(api.outbox.flush());
        },
      },
    );
    onTestFinished(() => app.close());
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Sent', exact: true }).click();
    /** Where a message's copy is, said in its card (opened). */
    const copyOf = async (subject: string) => (await openMessage(page, subject)).getByTestId('sent-copy');
    await expect.poll(async () => (await copyOf('Minutes')).textContent()).toBe(`Copy saved in “${SENT}”.`);
    expect(await (await copyOf('From home')).getAttribute('data-state')).toBe('pending');
    expect(await (await copyOf('From home')).textContent()).toMatch(
      new RegExp(`^Copy in Sent waiting, next try .+: The IMAP server 127\\.0\\.0\\.1:${away} could not be reached`),
    );
    expect(await (await copyOf('The whole report')).textContent()).toMatch(
      new RegExp(`^No copy in “${SENT}”: The IMAP server .* does not take a message this big`),
    );
    await page.screenshot({ path: path.join(screenshotsDir, 'sent-copies.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshotsDir, 'sent-copies-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    const report = app.core.outbox.list('sent').find((m) => m.subject === 'The whole report')!;
    const tries = () => (app.core.db.prepare('SELECT attempts FROM sent_copies WHERE message_id = ?').get(report.id) as { attempts: number }).attempts;
    expect(tries()).toBe(1);
    await page.getByRole('button', { name: 'Copy to Sent again' }).click();
    await expect.poll(tries).toBe(2); // tried again at once, and too big again
    await expect.poll(async () => (await copyOf('The whole report')).getAttribute('data-state')).toBe('failed');
  });

  it('the account editor keeps the IMAP server and the Sent copy choice; the connection test covers IMAP', async () => {
    const app = await startE2eApp(
      { auth: { user: USER.name, pass: USER.pass } },
      {},
      { browser, prepare: async ({ smtp, api }) => void (await value(api.accounts.save(accountFor(smtp)))) },
    );
    onTestFinished(() => app.close());
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Accounts', exact: true }).click();
    await page.getByRole('button', { name: 'Edit' }).first().click();
    await page.getByLabel('IMAP server').fill('127.0.0.1');
    await page.getByLabel('IMAP security').selectOption('starttls');
    expect(await page.getByLabel('IMAP port').inputValue()).toBe('143');
    await page.getByLabel('IMAP port').fill(String(imap.port));
    await page.getByLabel('Keep a copy in Sent').selectOption('never');
    await page.screenshot({ path: path.join(screenshotsDir, 'accounts-imap.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshotsDir, 'accounts-imap-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => app.core.accounts.find('Work').sentCopy).toBe('never');
    expect(app.core.accounts.find('Work').imap).toMatchObject({ host: '127.0.0.1', port: imap.port, security: 'starttls', username: null });
    expect(await page.getByTestId('account-imap').textContent()).toBe(`No copy in Sent (IMAP 127.0.0.1:${imap.port})`);
    // The connection test covers both servers.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => page.getByTestId('imap-report').getByRole('status').textContent())
      .toBe(`IMAP: The IMAP server 127.0.0.1:${imap.port} accepted the login; copies go to "${SENT}".`);
    await page.screenshot({ path: path.join(screenshotsDir, 'accounts-imap-test.png'), fullPage: true });
  });
});
