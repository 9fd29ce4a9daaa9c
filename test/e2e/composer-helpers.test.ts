/** The composer's helpers in Chromium against the real core: the attachment reminder and its two answers, Send later's quick picks. */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { plainAccountFor, value } from '../helpers/core.ts';
import { fillComposer, launchBrowser, localMinute, startE2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** An app with one account on its test server, no undo window. */
async function start() {
  const app = await startE2eApp(
    {},
    {},
    {
      browser,
      async prepare({ smtp, api }) {
        await value(api.accounts.save(plainAccountFor(smtp)));
        await value(api.settings.save({ undoSeconds: 0 }));
      },
    },
  );
  onTestFinished(() => app.close());
  return app;
}

describe('the attachment reminder', () => {
  it('a message that says "attached" with nothing attached is asked about: back to attach it, or send anyway', async () => {
    const { page, smtp, api } = await start();
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

describe("Send later's quick picks", () => {
  it('"In an hour" fills in the time an hour from now, which Schedule then holds the message to', async () => {
    const { page, api } = await start();
    await fillComposer(page, { to: 'ann@example.org', subject: 'Later' });
    await page.getByLabel('Send later').check();
    const before = Date.now() + 3_600_000;
    await page.getByRole('group', { name: 'Quick picks' }).getByRole('button', { name: 'In an hour' }).click();
    const after = Date.now() + 3_600_000;
    expect([localMinute(before), localMinute(after)]).toContain(await page.getByLabel('Send at').inputValue());
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshotsDir, 'compose-later-picks-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(async () => (await value(api.outbox.list())).map((m) => m.hold)).toEqual(['scheduled']);
    const [message] = await value(api.outbox.list());
    expect(Date.parse(message!.notBefore!)).toBeGreaterThan(before - 120_000);
  });
});

describe('templates', () => {
  it('the message saved as a template, then a new one started from it, with an undo', async () => {
    const { page, api } = await start();
    await fillComposer(page, { to: 'ann@example.org', subject: 'Weekly report', text: 'Done this week:\n- ' });
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.getByLabel('Template name').fill('Weekly');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as the template “Weekly”.' }).waitFor();
    expect(await value(api.templates.list())).toMatchObject([{ name: 'Weekly', subject: 'Weekly report', text: 'Done this week:\n- ' }]);

    await page.getByLabel('Subject').fill('Something else');
    await page.getByLabel('Message', { exact: true }).fill('Other words.');
    await page.getByLabel('Templates', { exact: true }).selectOption({ label: 'Weekly' });
    expect([await page.getByLabel('Subject').inputValue(), await page.getByLabel('Message', { exact: true }).inputValue()]).toEqual([
      'Weekly report',
      'Done this week:\n- ',
    ]);
    await page.screenshot({ path: path.join(screenshotsDir, 'compose-template.png'), fullPage: true });
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    expect([await page.getByLabel('Subject').inputValue(), await page.getByLabel('Message', { exact: true }).inputValue()]).toEqual([
      'Something else',
      'Other words.',
    ]);
  });
});
