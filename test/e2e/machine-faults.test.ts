/**
 * A fault of the machine as the page shows it (issue 17 §1, §2): the data directory on a small
 * tmpfs, filled; Send says in words that the disk is full and that nothing was changed, the message
 * stays in the composer as written, and once there is room the same Send sends it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { plainAccountFor, value } from '../helpers/core.ts';
import { fillDisk, smallDisk } from '../helpers/disk.ts';
import { browserForFile, fillComposer, shot, startE2eApp } from './app-page.ts';

const browser = browserForFile();

it('a full disk at Send: the page says so, the message stays as written, and goes once there is room', async (context) => {
  const disk = smallDisk('4m');
  if (!disk) return context.skip('mounting a tmpfs is not allowed here (it needs root)');
  const app = await startE2eApp(
    {},
    { home: path.join(disk, 'home') },
    {
      browser: browser(),
      async prepare({ smtp, api }) {
        await value(api.accounts.save(plainAccountFor(smtp)));
        await value(api.settings.save({ undoSeconds: 0 }));
      },
    },
  );
  onTestFinished(() => app.close());
  const { page, smtp } = app;
  await fillComposer(page, { to: 'ann@example.org', subject: 'No room', text: 'Written while the disk was full.' });
  const filler = fillDisk(disk);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'is full' }).waitFor();
  expect(await page.getByRole('alert').filter({ hasText: 'is full' }).textContent()).toBe(
    `The disk that holds Outbound's data (${path.join(disk, 'home')}) is full. Nothing was changed, and what was already in the outbox is kept. Free some space, then try again.`,
  );
  expect(await page.getByLabel('Subject').inputValue()).toBe('No room');
  expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('Written while the disk was full.');
  await shot(page, 'compose-disk-full');

  rmSync(filler);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => smtp.messages.map((m) => m.parsed.subject), { timeout: 10_000 }).toEqual(['No room']);
});
