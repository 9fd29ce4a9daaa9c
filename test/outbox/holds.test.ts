/** Undo send, scheduled send, and the user's two choices for an uncertain message. */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesDir } from '../../main/core/paths.ts';
import { accountFor, testCore, value } from '../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: Parameters<typeof startSmtpServer>[0] = {}) {
  server = await startSmtpServer(options);
  const t = testCore(server, { autoSend: true });
  const account = await value(t.api.accounts.save(accountFor(server, { security: 'none', username: '', passwordCommand: '' })));
  return { ...t, account };
}

describe('holds and choices', () => {
  it('undo send: within the window the message comes back to the composer and nothing is sent', async () => {
    const { core, api, account } = await setUp();
    expect(await value(api.settings.get())).toEqual({ undoSeconds: 5 });
    const draft = { accountId: account.id, to: ['Ann <ann@example.org>'], cc: [], bcc: ['b@example.org'], subject: 'Oops', text: 'Not yet.' };
    const message = await value(api.outbox.send(draft));
    expect(message).toMatchObject({ state: 'queued', hold: 'undo' });
    await core.sender.flush(); // a flush never overrides the undo window
    expect(server!.messages).toHaveLength(0);

    expect(await value(api.outbox.takeBack(message.id))).toEqual({
      ...draft, identityId: null, html: null, replyTo: null, attachments: [], inline: [],
    });
    expect(await value(api.outbox.list())).toEqual([]);
    expect(readdirSync(messagesDir(core.home))).toEqual([]);
    expect(await api.outbox.takeBack(message.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('the undo window is a setting (0–30 s) and the message goes when it ends', async () => {
    const { api, account } = await setUp();
    expect(await api.settings.save({ undoSeconds: 31 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'undoSeconds' } });
    expect(await value(api.settings.save({ undoSeconds: 1 }))).toEqual({ undoSeconds: 1 });
    const started = Date.now();
    await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'after a second', text: 't' }));
    await server!.waitForMessages(1, 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('scheduled send waits for its time, survives a flush, and refuses a time in the past', async () => {
    const { core, api, account } = await setUp();
    const sendAt = new Date(Date.now() + 1_500).toISOString();
    const message = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'later', text: 't', sendAt }));
    expect(message).toMatchObject({ hold: 'scheduled', notBefore: sendAt });
    await core.sender.flush();
    expect(server!.messages).toHaveLength(0);
    await server!.waitForMessages(1, 5_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sendAt));

    const past = await api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'past', text: 't', sendAt: '2020-01-01T00:00:00Z' });
    expect(past).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'sendAt', message: expect.stringMatching(/already passed/) } });
  });

  it('uncertain: never resent by itself; the user can mark it sent, or send the same bytes again', async () => {
    let drop = true;
    const { core, api, account } = await setUp({ dropAfterData: () => drop });
    const first = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'maybe', text: 't', delaySeconds: 0 }));
    const second = await value(api.outbox.send({ accountId: account.id, to: ['bob@example.org'], subject: 'maybe too', text: 't', delaySeconds: 0 }));
    await expect.poll(async () => (await value(api.outbox.list())).map((m) => m.state)).toEqual(['uncertain', 'uncertain']);
    const uncertain = core.outbox.view(first.id);
    expect(uncertain.lastError).toMatch(/may have delivered it/);
    drop = false;
    await core.sender.flush();
    expect(server!.messages).toHaveLength(2); // each once: no silent resend

    expect(await value(api.outbox.markSent(first.id))).toMatchObject({ state: 'sent', recipients: [{ state: 'accepted', reply: 'Marked as sent by you' }] });
    await value(api.outbox.resend(second.id));
    await expect.poll(() => core.outbox.view(second.id).state).toBe('sent');
    const copies = server!.messages.filter((m) => m.parsed.messageId === second.messageId);
    expect(copies).toHaveLength(2);
    expect(copies[1]!.raw.equals(copies[0]!.raw)).toBe(true); // the same bytes, the same Message-ID
    expect(await api.outbox.resend(first.id)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
