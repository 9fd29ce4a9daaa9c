/**
 * Asking for a delivery report in the composer, in Chromium against the real core: the choice goes
 * on the wire of a server that offers DSN; where the server does not, the composer says so first.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { plainAccountFor, value } from '../helpers/core.ts';
import type { SmtpServerOptions } from '../helpers/smtp.ts';
import { fillComposer, launchBrowser, openMessage, startE2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** An app whose account has met its server once (the connection test), so the composer knows what it offers. */
async function start(smtp: SmtpServerOptions) {
  const app = await startE2eApp(
    smtp,
    {},
    {
      browser,
      async prepare({ smtp: server, api }) {
        const account = await value(api.accounts.save(plainAccountFor(server)));
        await value(api.accounts.test(account.id));
        await value(api.settings.save({ undoSeconds: 0 }));
      },
    },
  );
  onTestFinished(() => app.close());
  return app;
}

describe('the delivery report', () => {
  it('chosen in the composer, goes out as NOTIFY and RET', async () => {
    const { page, smtp } = await start({});
    await fillComposer(page, { to: 'ann@example.org', subject: 'Tell me' });
    const report = page.getByLabel('Delivery status notification');
    expect(await report.inputValue()).toBe('');
    await report.selectOption({ label: 'If it is delayed or cannot be delivered' });
    await page.screenshot({ path: path.join(screenshotsDir, 'compose-delivery-report.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope.dsn).toMatchObject({ ret: 'HDRS', notify: [['FAILURE', 'DELAY']] });
    await page.getByRole('navigation').getByRole('button', { name: 'Sent', exact: true }).click();
    expect(await (await openMessage(page, 'Tell me', 'sent')).getByTestId('message-report').textContent()).toBe('If it is delayed or cannot be delivered');
  });

  it('says before sending that a server without DSN would drop the request', async () => {
    const { page } = await start({ hideDsn: true });
    await fillComposer(page, { to: 'ann@example.org', subject: 'Tell me' });
    const warning = page.getByTestId('report-warning');
    expect(await warning.count()).toBe(0); // nothing asked for: nothing to warn about
    await page.getByLabel('Delivery status notification').selectOption({ label: 'If it cannot be delivered' });
    expect(await warning.textContent()).toMatch(/^This server does not offer delivery reports \(DSN\): the request would be dropped/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshotsDir, 'compose-delivery-report-dropped-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Send', exact: true }).click(); // sent all the same, and the message says what became of the request
    await page.getByRole('navigation').getByRole('button', { name: 'Sent', exact: true }).click();
    const sent = await openMessage(page, 'Tell me', 'sent');
    await expect
      .poll(() => sent.getByTestId('message-report').textContent())
      .toBe('If it cannot be delivered — not passed on: the server does not offer delivery reports');
    await page.screenshot({ path: path.join(screenshotsDir, 'sent-delivery-report-dropped.png'), fullPage: true });
  });
});
