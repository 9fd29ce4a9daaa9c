/**
 * The Outbox and Sent as lists that scale (issue #14 §1), in Chromium against the real core through
 * the browser host: compact rows in a windowed list, more loaded as it scrolls, a search, filters by
 * state and account with their counts, bulk retry and cancel, and the keyboard.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AccountView } from '../../preload/common/contract/index.ts';
import { plainAccountFor, value } from '../helpers/core.ts';
import { seedSent } from '../helpers/seed.ts';
import { browserForFile, nav, shot, startE2eApp, type E2eApp } from './app-page.ts';

const browser = browserForFile();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is (rows with controls, a card opened in place). */
async function seriousViolations(page: E2eApp['page']): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      document: unknown;
      axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> };
    };
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
/** A far-off day, so that no test depends on today. */
const NEWEST = Date.UTC(2999, 0, 1, 4, 0);

async function start(prepare: (app: Pick<E2eApp, 'smtp' | 'core' | 'api'>, accounts: { work: AccountView; home: AccountView }) => Promise<void>) {
  const app = await startE2eApp(
    {},
    {},
    {
      browser: browser(),
      async prepare(app) {
        const work = await value(app.api.accounts.save(plainAccountFor(app.smtp, { name: 'Work', email: 'me@work.test' })));
        const home = await value(app.api.accounts.save(plainAccountFor(app.smtp, { name: 'Home', email: 'me@home.test' })));
        // Nothing leaves while the test looks: the Outbox stays as it was made.
        await value(app.api.settings.save({ sendingPaused: true }));
        await prepare(app, { work, home });
      },
    },
  );
  onTestFinished(() => app.close());
  return app;
}

describe('lists that scale', () => {
  it('Sent: compact rows, only those in view in the page, the rest loaded by scrolling, and a search', async () => {
    const { page } = await start(async ({ core }, { work }) => {
      seedSent(core, work, 600, NEWEST);
    });
    await nav(page, 'Sent').click();
    const count = page.getByTestId('list-count');
    await count.filter({ hasText: '600 messages' }).waitFor();
    const list = page.getByRole('list', { name: 'Messages sent' });
    const rows = list.getByTestId('message');
    expect(await rows.first().textContent()).toContain('Invoice 600');
    expect(await rows.count()).toBeLessThan(60);
    await shot(page, 'lists-sent');

    // Scrolled to the end, again and again: each end loads the next page, up to the oldest message.
    const oldest = rows.filter({ hasText: /Meeting notes 1(?!\d)/ });
    await expect
      .poll(
        async () => {
          await list.evaluate((box) => box.scrollTo({ top: box.scrollHeight }));
          return oldest.count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    expect(await rows.count()).toBeLessThan(60);

    await page.getByRole('searchbox', { name: 'Search' }).fill('number 123');
    await count.filter({ hasText: /^1 message$/ }).waitFor();
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('Holiday photos 123')]);
    await page.getByRole('searchbox', { name: 'Search' }).fill('person7 update');
    await count.filter({ hasText: '3 messages' }).waitFor(); // person7: n ≡ 7 (mod 50); update: n ≡ 5 (mod 8); one in 200
    await shot(page, 'lists-sent-search');

    await page.getByRole('searchbox', { name: 'Search' }).fill('@@');
    await page
      .getByTestId('error-banner')
      .filter({ hasText: /search must contain a letter or a digit/ })
      .waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await count.filter({ hasText: '600 messages' }).waitFor();
  });

  it('the keyboard: ↑/↓ move, Enter opens the message in place, Escape closes it, Delete cancels in the Outbox', async () => {
    const { page, api } = await start(async ({ api }, { work }) => {
      for (const subject of ['First', 'Second', 'Third'])
        await value(api.outbox.send({ accountId: work.id, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0 }));
    });
    await nav(page, 'Outbox').click();
    const list = page.getByRole('list', { name: 'Messages waiting' });
    await list.getByTestId('message').nth(2).waitFor();
    await list.focus();
    await list.press('ArrowDown');
    await list.press('ArrowDown');
    const active = list.locator('[aria-current="true"]');
    expect(await active.textContent()).toContain('Second');
    await list.press('ArrowUp');
    expect(await active.textContent()).toContain('Third');
    await list.press('ArrowDown');
    await list.press('Enter');
    const opened = list.locator('.opened-message').getByTestId('message');
    expect(await opened.getByTestId('message-why').textContent()).toMatch(/sending is paused/);
    await shot(page, 'lists-outbox-opened');
    expect(await seriousViolations(page)).toEqual([]);
    await list.press('Escape');
    await opened.waitFor({ state: 'detached' });
    await list.press('Delete');
    await expect.poll(async () => (await value(api.outbox.list())).map((m) => m.subject), { timeout: 10_000 }).toEqual(['Third', 'First']);
    await list.getByTestId('message').filter({ hasText: 'Second' }).waitFor({ state: 'detached' });
  });

  it('the Outbox: narrowed by state and account, all failed retried, all scheduled cancelled after asking, the chosen ones alone', async () => {
    const { page, api, core } = await start(async ({ api, core }, { work, home }) => {
      const send = (accountId: number, subject: string, sendAt?: string) =>
        value(api.outbox.send({ accountId, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0, ...(sendAt && { sendAt }) }));
      for (const n of [1, 2, 3]) await send(work.id, `Scheduled ${n}`, new Date(NEWEST + n * 60_000).toISOString());
      for (const n of [1, 2]) {
        const { id } = await send(n === 1 ? work.id : home.id, `Failed ${n}`);
        // The fixture fails them past the guard, as only a test may.
        core.db.prepare(`UPDATE messages SET state = 'failed', last_error = 'Refused by the server.' WHERE id = ?`).run(id);
      }
      await send(home.id, 'Due now');
    });
    await nav(page, 'Outbox').click();
    const states = page.getByRole('group', { name: 'State' });
    const chip = (name: string) => states.getByRole('button', { name: new RegExp(`^${name} \\d+$`) });
    await chip('Failed').filter({ hasText: '2' }).waitFor();
    expect(await states.getByRole('button').allTextContents()).toEqual(['All 6', 'Queued 4', 'Scheduled 3', 'Sending 0', 'Failed 2', 'Maybe sent 0']);
    const rows = page.getByRole('list', { name: 'Messages waiting' }).getByTestId('message');

    await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: 'Home' });
    await chip('All').filter({ hasText: '2' }).waitFor();
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('Due now'), expect.stringContaining('Failed 2')]);
    await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: 'All accounts' });

    await chip('Failed').click();
    await page.getByTestId('list-count').filter({ hasText: '2 messages' }).waitFor();
    await shot(page, 'lists-outbox-failed');
    await page.getByRole('button', { name: 'Retry failed' }).click();
    await page.getByTestId('status-banner').filter({ hasText: 'Retrying 2 messages.' }).waitFor();
    expect(core.outbox.page('outbox', { state: 'failed' }).counts?.total).toBe(0);
    await page.getByTestId('list-count').filter({ hasText: 'No message matches.' }).waitFor();

    await chip('Scheduled').click();
    await page.getByTestId('list-count').filter({ hasText: '3 messages' }).waitFor();
    await page.getByRole('button', { name: 'Cancel all' }).click();
    await page.getByRole('group', { name: 'Cancel 3 messages? Those not sent yet will not be.' }).getByRole('button', { name: 'Yes, cancel them' }).click();
    await page.getByTestId('status-banner').filter({ hasText: 'Cancelled 3 messages.' }).waitFor();
    expect((await value(api.outbox.list())).map((m) => m.subject).sort()).toEqual(['Due now', 'Failed 1', 'Failed 2']);

    await chip('All').click();
    await page.getByRole('checkbox', { name: 'Choose “Failed 1”' }).check();
    expect(await page.getByTestId('bulk-scope').textContent()).toBe('1 message chosen');
    await page.getByRole('button', { name: 'Cancel all' }).click();
    await page.getByRole('button', { name: 'Yes, cancel them' }).click();
    await page.getByTestId('status-banner').filter({ hasText: 'Cancelled 1 message.' }).waitFor();
    expect((await value(api.outbox.list())).map((m) => m.subject).sort()).toEqual(['Due now', 'Failed 2']);
    expect(await page.getByTestId('bulk-scope').textContent()).toBe('All listed');
  });

  it('Drafts: compact rows in the windowed list; Enter opens one in the composer, Delete asks before discarding', async () => {
    const { page, api } = await start(async ({ core }, { work }) => {
      for (let n = 1; n <= 300; n++)
        core.drafts.save(
          undefined,
          {
            accountId: work.id,
            identityId: null,
            to: [`person${n}@example.org`],
            cc: [],
            bcc: [],
            subject: `Draft ${n}`,
            text: '',
            html: null,
            replyTo: null,
            attachments: [],
            inline: [],
          },
          NEWEST + n * 60_000,
        );
    });
    await nav(page, 'Drafts').click();
    await page.getByTestId('list-count').filter({ hasText: '300 drafts' }).waitFor();
    const list = page.getByRole('list', { name: 'Drafts' });
    expect(await list.getByTestId('draft').count()).toBeLessThan(60);
    await list.focus();
    await list.press('ArrowDown');
    await list.press('Delete');
    await list.getByRole('group', { name: 'Discard “Draft 300”?' }).waitFor();
    await shot(page, 'lists-drafts');
    expect(await seriousViolations(page)).toEqual([]);
    await list.getByRole('button', { name: 'Yes, discard' }).click();
    await page.getByTestId('list-count').filter({ hasText: '299 drafts' }).waitFor();
    expect((await value(api.drafts.page({ limit: 1 }))).drafts.map((d) => d.subject)).toEqual(['Draft 299']);
    await list.focus();
    await list.press('ArrowDown');
    await list.press('Enter');
    await page.getByTestId('status-banner').filter({ hasText: 'Draft opened.' }).waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Draft 299');
  });
});
