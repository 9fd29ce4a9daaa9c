/**
 * A sent message opened in Sent (issue 14 §2), in Chromium against the real core: its headers with
 * the Bcc, each recipient's result, the SMTP dialogue; a copy of an attachment and the .eml saved as
 * downloads holding the very bytes; Edit as new opening the composer on everything, whose Send
 * delivers the same attachment again to the SMTP server.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { expect, it, onTestFinished } from 'vitest';
import { plainAccountFor, tempHome, value } from '../helpers/core.ts';
import { browserForFile, nav, openMessage, shot, startE2eApp } from './app-page.ts';

const browser = browserForFile();
const DATA = randomBytes(50_000);

/** The download a click starts, and its bytes once it has finished. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), click()]);
  const path = await download.path();
  return { download, bytes: await readFile(path) };
}

it('opens a sent message: headers with Bcc, results, dialogue; saves an attachment and the .eml; edits it as new and sends it again', async () => {
  const app = await startE2eApp(
    {},
    {},
    {
      browser: browser(),
      async prepare({ smtp, core, api }) {
        const account = await value(api.accounts.save(plainAccountFor(smtp)));
        await value(api.settings.save({ undoSeconds: 0 }));
        const dir = tempHome();
        await writeFile(join(dir, 'figures.bin'), DATA);
        const [picked] = await core.compose.gate.approve([join(dir, 'figures.bin')]);
        await value(
          api.outbox.send({
            accountId: account.id,
            to: ['Ann <ann@example.org>'],
            cc: ['bob@example.net'],
            bcc: ['carol@example.com'],
            subject: 'Figures for Q3',
            html: '<p>Here are the <b>figures</b>.</p>',
            attachments: [{ path: picked!.path }],
            delaySeconds: 0,
          }),
        );
      },
    },
  );
  onTestFinished(() => app.close());
  const { page, core, smtp } = app;
  // The app's own sender sends it.
  await expect.poll(async () => (await value(app.api.sent.list())).length, { timeout: 10_000 }).toBe(1);
  const [sent] = await value(app.api.sent.list());
  const frozen = await readFile(core.outbox.fileOf(core.outbox.row(sent!.id)));

  await nav(page, 'Sent').click();
  const card = await openMessage(page, 'Figures for Q3');
  await card.getByText('The message', { exact: true }).click();
  const opened = card.locator('.the-message');
  await opened.getByRole('button', { name: 'Save a copy of figures.bin', exact: true }).waitFor();
  const headers = await opened.locator('.headers dt').allTextContents();
  expect(headers).toEqual(['From', 'To', 'Cc', 'Bcc', 'Subject', 'Date', 'Message-ID', 'Attachments']);
  expect(await opened.locator('.headers dd').nth(3).textContent()).toBe('carol@example.com');
  expect(await card.getByTestId('recipient').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual([
    'accepted',
    'accepted',
    'accepted',
  ]);
  await card.getByText('SMTP dialogue', { exact: true }).click();
  await expect.poll(() => card.getByTestId('attempt-transcript').textContent(), { timeout: 10_000 }).toMatch(/RCPT TO:<carol@example\.com>/);
  await opened.frameLocator('iframe[title="The message"]').locator('b').filter({ hasText: 'figures' }).waitFor();
  // Closed again for the picture: a full-page screenshot leaves the sandboxed frame (a process of its own) blank below the window's height.
  await card.getByText('SMTP dialogue', { exact: true }).click();
  await shot(page, 'sent-message-actions');

  const attachment = await downloaded(page, () => opened.getByRole('button', { name: 'Save a copy of figures.bin', exact: true }).click());
  expect(attachment.download.suggestedFilename()).toBe('figures.bin');
  expect(attachment.bytes.equals(DATA)).toBe(true);

  const eml = await downloaded(page, () => opened.getByRole('button', { name: 'Export .eml', exact: true }).click());
  expect(eml.download.suggestedFilename()).toBe('Figures for Q3.eml');
  expect(eml.bytes.equals(frozen)).toBe(true);

  await opened.getByRole('button', { name: 'Edit as new', exact: true }).click();
  await page.getByRole('heading', { name: 'Compose', exact: true }).waitFor();
  expect(await page.getByLabel('Subject').inputValue()).toBe('Figures for Q3');
  // Exact: "Cc recipients" is inside "Bcc recipients".
  const chips = (label: string) =>
    page
      .getByRole('list', { name: `${label} recipients`, exact: true })
      .locator('.chip-text')
      .allTextContents();
  expect(await chips('To')).toEqual(['Ann ann@example.org']);
  expect(await chips('Cc')).toEqual(['bob@example.net']);
  expect(await chips('Bcc')).toEqual(['carol@example.com']);
  await page.getByTestId('attachment').filter({ hasText: 'figures.bin' }).waitFor();
  await shot(page, 'sent-edit-as-new');

  const before = smtp.messages.length;
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const [again] = (await smtp.waitForMessages(before + 1)).slice(before);
  expect(again!.parsed.subject).toBe('Figures for Q3');
  expect(again!.parsed.html).toContain('<b>figures</b>');
  expect(again!.envelope.to).toEqual(['ann@example.org', 'bob@example.net', 'carol@example.com']);
  expect(again!.parsed.attachments.find((a) => a.filename === 'figures.bin')?.content.equals(DATA)).toBe(true);
  // The draft it was written in went with the send; the original is as it was.
  await expect.poll(async () => (await value(app.api.drafts.list())).length, { timeout: 10_000 }).toBe(0);
  expect((await readFile(core.outbox.fileOf(core.outbox.row(sent!.id)))).equals(frozen)).toBe(true);

  // Its file gone from under the open message (deleted by hand): the page says so, and starts no broken download.
  await nav(page, 'Sent').click();
  // Newest first: the original is the older of the two rows.
  await page.locator('.message-row').filter({ hasText: 'Figures for Q3' }).last().click();
  const original = page.locator('.opened-message [data-testid="message"]').filter({ hasText: 'Figures for Q3' });
  await original.getByText('The message', { exact: true }).click();
  await original.getByRole('button', { name: 'Export .eml', exact: true }).waitFor();
  await rm(core.outbox.fileOf(core.outbox.row(sent!.id)));
  await original.getByRole('button', { name: 'Export .eml', exact: true }).click();
  await original
    .getByRole('alert')
    .filter({ hasText: `The file of message ${sent!.id} is no longer in Outbound's messages folder, so it cannot be opened.` })
    .waitFor();
  await shot(page, 'sent-message-file-gone');
});
