/**
 * The Outbox and Sent lists in pages: keyset pages that miss and repeat nothing while mail arrives,
 * a full-text search kept in step with the messages, filters and counts, and the bulk actions.
 */
import { describe, expect, it } from 'vitest';
import type { MessageView, OutboxChange } from '../../../preload/common/contract/index.ts';
import { plainAccountFor, testCore, value, type TestCore } from '../../helpers/core.ts';

/** A far-off day, so that no test depends on today. */
const T0 = Date.UTC(2999, 0, 1, 4, 0);

async function withAccounts(t: TestCore) {
  const server = { host: '127.0.0.1', port: 2525 };
  const work = await value(t.api.accounts.save(plainAccountFor(server, { name: 'Work', email: 'me@work.test' })));
  const home = await value(t.api.accounts.save(plainAccountFor(server, { name: 'Home', email: 'me@home.test' })));
  return { work, home };
}

let serial = 0;
/** A message queued through the store's own insert (its frozen file is not needed here). */
function queue(
  t: TestCore,
  account: { id: number; name: string; email: string },
  fields: { subject: string; to?: string[]; bcc?: string[]; text?: string; at?: number },
) {
  const n = ++serial;
  const to = fields.to ?? ['ann@example.org'];
  const bcc = fields.bcc ?? [];
  return t.core.outbox.insert(
    {
      accountId: account.id,
      accountName: account.name,
      accountEmail: account.email,
      messageId: `<m${n}@outbound.test>`,
      envelopeFrom: account.email,
      fromHeader: `Me <${account.email}>`,
      subject: fields.subject,
      rawFile: `m${n}.eml`,
      size: 100,
      notBefore: fields.at ?? T0,
      hold: null,
      deliveryReport: null,
      draft: {
        accountId: account.id,
        identityId: null,
        to,
        cc: [],
        bcc,
        subject: fields.subject,
        text: fields.text ?? '',
        html: null,
        replyTo: null,
        attachments: [],
        inline: [],
      },
      recipients: [...to.map((address) => ({ kind: 'to' as const, address })), ...bcc.map((address) => ({ kind: 'bcc' as const, address }))],
    },
    fields.at ?? T0,
  );
}

/** The fixture moves a message past the guard, as only a test may (a sent one at `at`). */
function putIn(t: TestCore, id: number, state: string, at = T0, hold: string | null = null) {
  t.core.db.prepare(`UPDATE messages SET state = ?, sent_at = CASE ? WHEN 'sent' THEN ? END, hold = ? WHERE id = ?`).run(state, state, at, hold, id);
}

const subjects = (messages: MessageView[]) => messages.map((m) => m.subject);

describe('the lists in pages', () => {
  it('pages Sent newest first, missing and repeating nothing while new mail is sent meanwhile', async () => {
    const t = testCore(undefined);
    const { work } = await withAccounts(t);
    // Two per second of sent time: ties on the time are ordered by id.
    for (let i = 0; i < 25; i++) putIn(t, await queue(t, work, { subject: `old ${i}` }), 'sent', T0 + Math.floor(i / 2) * 1000);
    const first = await value(t.api.sent.page({ limit: 10 }));
    expect(first.counts).toEqual({ total: 25, byState: { sent: 25 } });
    expect(first.messages[0]!.subject).toBe('old 24');
    const seen = subjects(first.messages);
    let next = first.next;
    let round = 0;
    while (next) {
      // New mail goes out between pages: newer than every page so far, so it is on none of the pages after.
      putIn(t, await queue(t, work, { subject: `new ${round++}` }), 'sent', T0 + 60_000 + round);
      const page = await value(t.api.sent.page({ limit: 10, after: next }));
      expect(page.counts).toBeNull();
      seen.push(...subjects(page.messages));
      next = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `old ${24 - i}`));
    // The new ones are on a first page read again.
    expect(subjects((await value(t.api.sent.page({ limit: 3 }))).messages)).toEqual(['new 1', 'new 0', 'old 24']);
  });

  it("reads a page from the list's own index, by keyset: no OFFSET, no sort of the whole list", async () => {
    const t = testCore(undefined);
    const plan = (sql: string) => (t.core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan(`SELECT id FROM messages WHERE state = 'sent' AND (sent_at, id) < (1, 1) ORDER BY sent_at DESC, id DESC LIMIT 10`)).toMatch(
      /USING (COVERING )?INDEX messages_sent_page/,
    );
    expect(plan(`SELECT id FROM messages WHERE state IN ('queued', 'sending', 'failed', 'uncertain') ORDER BY created_at DESC, id DESC LIMIT 10`)).toMatch(
      /USING (COVERING )?INDEX messages_unsent_page/,
    );
  });

  it('searches subject, people (Bcc too) and body text, by word prefix and without accents, within the filter', async () => {
    const t = testCore(undefined);
    const { work, home } = await withAccounts(t);
    const invoice = await queue(t, work, { subject: 'Invoice 2999-01', to: ['billing@acme.example'], text: 'Please find the café receipt.' });
    const party = await queue(t, home, { subject: 'Party on Friday', to: ['friends@example.org'], bcc: ['secret.santa@example.org'] });
    await queue(t, home, { subject: 'Invoice for the party hall', text: 'The hall costs a lot.' });
    putIn(t, invoice, 'failed');
    const outbox = async (filter: object) => subjects((await value(t.api.outbox.page(filter))).messages);
    expect(await outbox({ search: 'invo' })).toEqual(['Invoice for the party hall', 'Invoice 2999-01']);
    expect(await outbox({ search: 'cafe' })).toEqual(['Invoice 2999-01']);
    expect(await outbox({ search: 'acme.example' })).toEqual(['Invoice 2999-01']);
    expect(await outbox({ search: 'santa' })).toEqual(['Party on Friday']);
    expect(await outbox({ search: 'party hall' })).toEqual(['Invoice for the party hall']);
    expect(await outbox({ search: 'invoice', accountId: home.id })).toEqual(['Invoice for the party hall']);
    expect(await outbox({ search: 'invoice', state: 'failed' })).toEqual(['Invoice 2999-01']);
    expect(await outbox({ search: 'nowhere' })).toEqual([]);
    expect((await value(t.api.outbox.page({ search: 'invoice', state: 'failed' }))).counts).toEqual({ total: 1, byState: { queued: 1, failed: 1 } });
    // In the Outbox, not in Sent: the lists are apart.
    expect(subjects((await value(t.api.sent.page({ search: 'party' }))).messages)).toEqual([]);
    putIn(t, party, 'sent');
    expect(subjects((await value(t.api.sent.page({ search: 'party' }))).messages)).toEqual(['Party on Friday']);
  });

  it('keeps the search in step: a new message is found at once, a moved one in its new list, a removed one nowhere', async () => {
    const t = testCore(undefined);
    const { work } = await withAccounts(t);
    const indexed = (word: string) => t.core.db.prepare(`SELECT rowid FROM messages_search WHERE messages_search MATCH ?`).pluck().all(word);
    const id = await queue(t, work, { subject: 'Quarterly figures', text: 'spreadsheet attached' });
    expect(indexed('spreadsheet')).toEqual([id]);
    await value(t.api.outbox.cancel(id));
    expect(subjects((await value(t.api.outbox.page({ search: 'quarterly' }))).messages)).toEqual([]);
    const back = await queue(t, work, { subject: 'Taken back soon', text: 'editable' });
    await value(t.api.outbox.takeBack(back)); // its row is deleted: its entry goes with it
    expect(indexed('editable')).toEqual([]);
  });

  it('counts the scheduled among the queued, and narrows to them', async () => {
    const t = testCore(undefined);
    const { work } = await withAccounts(t);
    putIn(t, await queue(t, work, { subject: 'later' }), 'queued', T0, 'scheduled');
    await queue(t, work, { subject: 'now' });
    const page = await value(t.api.outbox.page({ state: 'scheduled' }));
    expect(subjects(page.messages)).toEqual(['later']);
    expect(page.counts).toEqual({ total: 1, byState: { queued: 2, scheduled: 1 } });
  });

  it('refuses a search with nothing to search for, and a cursor it did not give, saying why', async () => {
    const t = testCore(undefined);
    const search = await t.api.sent.page({ search: '@@ --' });
    expect(search).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/letter or a digit/) } });
    const cursor = await t.api.sent.page({ after: 'page 2' });
    expect(cursor).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/`next` of a page/) } });
  });
});

describe('bulk actions', () => {
  it('retries every failed message the filter finds, in one go, each announced as a single retry is', async () => {
    const t = testCore(undefined);
    const { work, home } = await withAccounts(t);
    const failed = [await queue(t, work, { subject: 'a' }), await queue(t, work, { subject: 'b' }), await queue(t, home, { subject: 'c' })];
    for (const id of failed) putIn(t, id, 'failed');
    await queue(t, work, { subject: 'queued anyway' });
    const heard: OutboxChange[] = [];
    const unsubscribe = t.api.onOutboxChanged((change) => heard.push(change));
    expect(await value(t.api.outbox.retryAll({ filter: { accountId: work.id } }))).toEqual({ changed: 2, unchanged: 1 });
    unsubscribe();
    expect(heard).toEqual([
      { id: failed[0], state: 'queued' },
      { id: failed[1], state: 'queued' },
    ]);
    expect((await value(t.api.outbox.get(failed[2]!))).state).toBe('failed');
  });

  it('cancels all scheduled, or the messages chosen, leaving what cannot be cancelled as it was', async () => {
    const t = testCore(undefined);
    const { work } = await withAccounts(t);
    const scheduled = [await queue(t, work, { subject: 's1' }), await queue(t, work, { subject: 's2' })];
    for (const id of scheduled) putIn(t, id, 'queued', T0, 'scheduled');
    const due = await queue(t, work, { subject: 'due' });
    expect(await value(t.api.outbox.cancelAll({ filter: { state: 'scheduled' } }))).toEqual({ changed: 2, unchanged: 0 });
    expect(subjects((await value(t.api.outbox.page())).messages)).toEqual(['due']);
    const sent = await queue(t, work, { subject: 'gone already' });
    putIn(t, sent, 'sent');
    expect(await value(t.api.outbox.cancelAll({ ids: [due, sent] }))).toEqual({ changed: 1, unchanged: 1 });
    expect((await value(t.api.outbox.get(sent))).state).toBe('sent');
    expect(await t.api.outbox.cancelAll({ ids: [] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('drafts in pages', () => {
  it('pages the drafts newest first by keyset, missing and repeating none while one is saved meanwhile', async () => {
    const t = testCore(undefined);
    const { work } = await withAccounts(t);
    const draft = (subject: string) => ({
      accountId: work.id,
      identityId: null,
      to: [],
      cc: [],
      bcc: [],
      subject,
      text: '',
      html: null,
      replyTo: null,
      attachments: [],
      inline: [],
    });
    // Two saved in the same millisecond: ordered by id.
    for (const [n, at] of [
      [1, T0],
      [2, T0 + 1],
      [3, T0 + 1],
      [4, T0 + 2],
      [5, T0 + 3],
    ] as const)
      t.core.drafts.save(undefined, draft(`draft ${n}`), at);
    const first = await value(t.api.drafts.page({ limit: 2 }));
    expect([first.drafts.map((d) => d.subject), first.total]).toEqual([['draft 5', 'draft 4'], 5]);
    t.core.drafts.save(undefined, draft('written meanwhile'), T0 + 10);
    const second = await value(t.api.drafts.page({ limit: 2, after: first.next! }));
    const third = await value(t.api.drafts.page({ limit: 2, after: second.next! }));
    expect([second.drafts.map((d) => d.subject), third.drafts.map((d) => d.subject), third.next]).toEqual([['draft 3', 'draft 2'], ['draft 1'], null]);
    expect(await t.api.drafts.page({ after: '-1' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
