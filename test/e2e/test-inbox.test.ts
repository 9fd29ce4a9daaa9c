/**
 * The test inbox as a newcomer meets it (issue 18), in Chromium against the real core, from an empty
 * data directory: "Try it with a test inbox" on the first screen, a message written and sent, the
 * Test inbox showing it and opening it (rich text in the sandboxed frame, the source), and the 550
 * switch making the Sent view show a recipient refused.
 */
import { expect, it, onTestFinished } from 'vitest';
import { value } from '../helpers/core.ts';
import { browserForFile, fillComposer, nav, openMessage, shot, startE2eApp } from './app-page.ts';

const browser = browserForFile();

it('from nothing: try it, send, read what arrived, and see a recipient refused', async () => {
  const app = await startE2eApp({}, {}, { browser: browser() });
  onTestFinished(() => app.close());
  const { page, api } = app;
  await value(api.settings.save({ undoSeconds: 0 }));
  await page.getByText('There is no account to send from yet.').waitFor();
  expect(await nav(page, 'Test inbox').count()).toBe(0);
  await shot(page, 'compose-first-run');

  await page.getByRole('button', { name: 'Try it with a test inbox' }).click();
  await expect
    .poll(
      () =>
        page
          .getByLabel('From', { exact: true })
          .inputValue()
          .then(() => page.locator('select#compose-from, select').first().textContent()),
      { timeout: 10_000 },
    )
    .toContain('you@test-inbox.localhost');
  await fillComposer(page, { to: 'ann@example.org', subject: 'Hello, test inbox', text: 'My first message from Outbound.' });
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await value(api.sent.list())).map((m) => m.subject), { timeout: 10_000 }).toEqual(['Hello, test inbox']);

  // A rich message too, behind the page, to open in the frame.
  const [account] = await value(api.accounts.list());
  await value(api.outbox.send({ accountId: account!.id, to: ['bob@example.net'], subject: 'Rich', text: '', html: '<p>Hello <b>bold</b> world</p>' }));
  await nav(page, 'Test inbox').click();
  const rows = page.getByRole('table', { name: 'Messages received' }).getByRole('row');
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3); // the header and two messages
  await page.getByRole('button', { name: 'Hello, test inbox' }).click();
  const opened = page.getByTestId('test-inbox-message');
  await opened.getByText('My first message from Outbound.').waitFor();
  const headers = Object.fromEntries((await opened.locator('dt').allTextContents()).map((name, i) => [name, i] as const));
  const values = await opened.locator('dd').allTextContents();
  expect(Object.keys(headers)).toEqual(['From', 'To', 'Envelope', 'Subject', 'Date', 'Message-ID']);
  expect([values[headers.From!], values[headers.To!], values[headers.Envelope!], values[headers.Subject!]]).toEqual([
    'You <you@test-inbox.localhost>',
    'ann@example.org',
    'you@test-inbox.localhost → ann@example.org',
    'Hello, test inbox',
  ]);
  expect(values[headers['Message-ID']!]).toMatch(/^<[0-9a-f-]{36}@test-inbox\.localhost>$/);
  await shot(page, 'test-inbox');
  await page.getByRole('button', { name: 'Rich' }).click();
  await page.frameLocator('iframe[title="The message"]').locator('b').filter({ hasText: 'bold' }).waitFor();
  await shot(page, 'test-inbox-message');
  await opened.getByRole('button', { name: 'Show the source' }).click();
  await opened.getByText(/Subject: Rich/).waitFor();

  await page.getByLabel('Fault to play').selectOption({ label: 'Refuse every recipient but the first (550)' });
  await fillComposer(page, { to: 'ann@example.org, bob@example.net', subject: 'Two of us' });
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await nav(page, 'Sent').click();
  const card = await openMessage(page, 'Two of us');
  const bob = card.getByTestId('recipient').filter({ hasText: 'bob@example.net' });
  await expect.poll(() => bob.getAttribute('data-state'), { timeout: 10_000 }).toBe('rejected');
  expect(await bob.textContent()).toMatch(/550 5\.1\.1 <bob@example\.net>: the test inbox refuses this recipient/);
  expect(await card.getByTestId('recipient').filter({ hasText: 'ann@example.org' }).getAttribute('data-state')).toBe('accepted');
  await shot(page, 'sent-test-inbox-refused');

  // The sent message itself, as it went: read from its frozen bytes.
  const first = await openMessage(page, 'Hello, test inbox');
  await first.getByText('The message', { exact: true }).click();
  await first.getByText('My first message from Outbound.').waitFor();
  await shot(page, 'sent-message-opened');
});
