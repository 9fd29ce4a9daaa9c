/** The methods a host without the core in hand (the CLI) reaches the outbox and the accounts by, through the contract. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

function setUp() {
  const t = testCore(server);
  const send = async (subject: string, extra: { delaySeconds?: number; sendAt?: string } = {}) =>
    value(
      t.api.outbox.send({ accountId: (await value(t.api.accounts.find('work'))).id, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0, ...extra }),
    );
  return { ...t, send };
}

describe('through the contract alone', () => {
  it('finds an account by its name in any case, or by its id, and says which accounts there are when none matches', async () => {
    const { api } = setUp();
    const work = await value(api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    expect(await value(api.accounts.find('WORK'))).toEqual(work);
    expect(await value(api.accounts.find(String(work.id)))).toEqual(work);
    expect(await api.accounts.find('home')).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'There is no account named "home". Accounts: Work.' },
    });
  });

  it('sends one message now, even inside its undo window; a message cancelled meanwhile is answered as it is', async () => {
    const { api, send } = setUp();
    await value(api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    const held = await send('held', { delaySeconds: 30 });
    expect(await value(api.outbox.sendNow(held.id))).toMatchObject({ id: held.id, state: 'sent', lastReply: expect.stringMatching(/^250/) });
    const cancelled = await send('cancelled', { delaySeconds: 30 });
    await value(api.outbox.cancel(cancelled.id));
    expect(await value(api.outbox.sendNow(cancelled.id))).toMatchObject({ id: cancelled.id, state: 'cancelled' });
    expect(await value(api.outbox.get(held.id))).toMatchObject({ state: 'sent' });
    expect(await api.outbox.sendNow(9_999)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('flushes every queued message and answers with each as it is afterwards; one scheduled stays', async () => {
    const { api, send } = setUp();
    await value(api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    const due = await send('due');
    const later = await send('later', { sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    const outcomes = await value(api.outbox.flush());
    expect(outcomes.map(({ id, state }) => ({ id, state }))).toEqual(
      expect.arrayContaining([
        { id: due.id, state: 'sent' },
        { id: later.id, state: 'queued' },
      ]),
    );
    expect(outcomes).toHaveLength(2);
    expect(await value(api.outbox.flush())).toEqual([expect.objectContaining({ id: later.id, state: 'queued' })]);
  });

  it('lists the newest sent messages, as many as asked for', async () => {
    const { api, send } = setUp();
    await value(api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    for (const subject of ['one', 'two', 'three']) await value(api.outbox.sendNow((await send(subject)).id));
    expect((await value(api.sent.list({ limit: 2 }))).map((m) => m.subject)).toEqual(['three', 'two']);
    expect(await value(api.sent.list())).toHaveLength(3);
  });
});
