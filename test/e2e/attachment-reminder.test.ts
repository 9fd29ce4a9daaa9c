/** The attachment reminder in Chromium against the real core: asked before sending, and both answers. */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { accountFor, value } from '../helpers/core.ts';
import { fillComposer, launchBrowser, startE2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe('the attachment reminder', () => {
  it('a message that says "attached" with nothing attached is asked about: back to attach it, or send anyway', async () => {
    const app = await startE2eApp(
      {},
      {},
      {
        browser,
        async prepare({ smtp, api }) {
          await value(api.accounts.save(accountFor(smtp, { security: 'none', username: '', passwordCommand: '' })));
          await value(api.settings.save({ undoSeconds: 0 }));
        },
      },
    );
    onTestFinished(() => app.close());
    const { page, smtp, api } = app;
    await fillComposer(page, { to: 'ann@example.org', subject: 'Figures', text: 'The figures are attached.' });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const question = page.getByText('The message mentions an attachment, but nothing is attached. Send anyway?');
    await question.waitFor();
    await page.screenshot({ path: path.join(screenshotsDir, 'compose-attachment-reminder.png'), fullPage: true });
    await page.getByRole('button', { name: 'Go back and attach it' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await value(api.outbox.list())).toEqual([]);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('button', { name: 'Send anyway' }).click();
    const [received] = await smtp.waitForMessages(1);
    expect(received!.parsed.subject).toBe('Figures');
  });
});
