/**
 * Mail a program handed to `outbound sendmail` (outbox.submitRaw) shows in the Outbox and in Sent
 * like any other, marked as such, in Chromium against the real core through the browser host.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser } from 'playwright-core';
import { plainAccountFor, value } from '../helpers/core.ts';
import { launchBrowser, openMessage, startE2eApp } from './app-page.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const raw = (subject: string) =>
  Buffer.from(`From: me@outbound.test\nTo: ann@example.org\nSubject: ${subject}\n\nThe nightly backup finished.\n`).toString('base64');

describe('a program’s mail', () => {
  it('is marked in the Outbox while it waits, and in Sent once sent', async () => {
    const app = await startE2eApp(
      {},
      {},
      {
        browser,
        async prepare({ smtp, api }) {
          await value(api.accounts.save(plainAccountFor(smtp)));
          await value(api.settings.save({ sendingPaused: true }));
          await value(api.outbox.submitRaw({ raw: raw('Backup done'), recipients: [], readRecipients: true, readEnvelopeFrom: false }));
        },
      },
    );
    onTestFinished(() => app.close());
    const { page, api, smtp } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Outbox', exact: true }).click();
    const waiting = await openMessage(page, 'Backup done');
    expect(await waiting.getByTestId('submitted-by').textContent()).toBe(' by a program, through outbound sendmail');
    await value(api.settings.save({ sendingPaused: false }));
    await expect.poll(() => smtp.messages.length).toBe(1);
    await page.getByRole('navigation').getByRole('button', { name: 'Sent', exact: true }).click();
    const sent = await openMessage(page, 'Backup done');
    expect(await sent.getByTestId('submitted-by').count()).toBe(1);
  });
});
