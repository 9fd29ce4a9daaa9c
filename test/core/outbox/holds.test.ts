/**
 * Undo send, scheduled send, and the user's two choices for an uncertain message: the sender runs in
 * the background, on a clock the test moves.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesDir } from '../../../main/core/paths.ts';
import { TestClock } from '../../helpers/clock.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: Parameters<typeof startSmtpServer>[0] = {}) {
  server = await startSmtpServer(options);
  const clock = new TestClock();
  const t = testCore(server, { autoSend: true, clock });
  const account = await value(t.api.accounts.save(plainAccountFor(server)));
  return { ...t, account, clock };
}

describe('holds and choices', () => {
  it('undo send: within the window the message comes back to the composer and nothing is sent', async () => {
    const { core, api, account } = await setUp();
    expect(await value(api.settings.get())).toEqual({ undoSeconds: 5, sendingPaused: false });
    const draft = { accountId: account.id, to: ['Ann <ann@example.org>'], cc: [], bcc: ['b@example.org'], subject: 'Oops', text: 'Not yet.' };
    const message = await value(api.outbox.send(draft));
    expect(message).toMatchObject({ state: 'queued', hold: 'undo' });
    await core.sender.flush(); // a flush never overrides the undo window
    expect(server!.messages).toHaveLength(0);

    expect(await value(api.outbox.takeBack(message.id))).toEqual({
      ...draft,
      identityId: null,
      html: null,
      replyTo: null,
      attachments: [],
      inline: [],
    });
    expect(await value(api.outbox.list())).toEqual([]);
    expect(readdirSync(messagesDir(core.home))).toEqual([]);
    expect(await api.outbox.takeBack(message.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('the undo window is a setting (0–30 s) and the message goes when it ends', async () => {
    const { core, api, account, clock } = await setUp();
    expect(await api.settings.save({ undoSeconds: 31 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'undoSeconds' } });
    expect(await value(api.settings.save({ undoSeconds: 1 }))).toMatchObject({ undoSeconds: 1 });
    const message = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'after a second', text: 't' }));
    await core.sender.settled(); // the enqueue's pass found nothing due
    clock.advance(999);
    core.sender.kick();
    await core.sender.settled();
    expect(core.outbox.view(message.id)).toMatchObject({ state: 'queued', hold: 'undo' });
    clock.advance(1); // the window ends: the sender wakes by itself
    await core.sender.settled();
    expect(core.outbox.view(message.id).state).toBe('sent');
    expect(server!.messages).toHaveLength(1);
  });

  it('scheduled send waits for its time, survives a flush, and refuses a time in the past', async () => {
    const { core, api, account, clock } = await setUp();
    const sendAt = new Date(clock.now() + 10 * 60_000).toISOString();
    const message = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'later', text: 't', sendAt }));
    expect(message).toMatchObject({ hold: 'scheduled', notBefore: sendAt });
    await core.sender.flush();
    expect(core.outbox.view(message.id)).toMatchObject({ state: 'queued', hold: 'scheduled' });
    // The sender sleeps a minute at most, then looks again by itself: nothing goes before the time, and it goes at the time.
    for (let minute = 1; minute < 10; minute += 1) {
      clock.advance(60_000);
      await core.sender.settled();
      expect(core.outbox.view(message.id), `after ${minute} min`).toMatchObject({ state: 'queued', hold: 'scheduled' });
    }
    clock.advance(60_000);
    await core.sender.settled();
    expect(core.outbox.view(message.id)).toMatchObject({ state: 'sent', sentAt: sendAt });
    expect(server!.messages).toHaveLength(1);

    const past = await api.outbox.send({
      accountId: account.id,
      to: ['ann@example.org'],
      subject: 'past',
      text: 't',
      sendAt: new Date(clock.now() - 1).toISOString(),
    });
    expect(past).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'sendAt', message: expect.stringMatching(/already passed/) } });
  });

  it('uncertain: never resent by itself; the user can mark it sent, or send the same bytes again', async () => {
    let drop = true;
    const { core, api, account } = await setUp({ dropAfterData: () => drop });
    const first = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'maybe', text: 't', delaySeconds: 0 }));
    const second = await value(api.outbox.send({ accountId: account.id, to: ['bob@example.org'], subject: 'maybe too', text: 't', delaySeconds: 0 }));
    await core.sender.settled();
    expect((await value(api.outbox.list())).map((m) => m.state)).toEqual(['uncertain', 'uncertain']);
    const uncertain = core.outbox.view(first.id);
    expect(uncertain.lastError).toMatch(/may have delivered it/);
    drop = false;
    await core.sender.flush();
    expect(server!.messages).toHaveLength(2); // each once: no silent resend

    expect(await value(api.outbox.markSent(first.id))).toMatchObject({ state: 'sent', recipients: [{ state: 'accepted', reply: 'Marked as sent by you' }] });
    await value(api.outbox.resend(second.id));
    await core.sender.settled();
    expect(core.outbox.view(second.id).state).toBe('sent');
    const copies = server!.messages.filter((m) => m.parsed.messageId === second.messageId);
    expect(copies).toHaveLength(2);
    expect(copies[1]!.raw.equals(copies[0]!.raw)).toBe(true); // the same bytes, the same Message-ID
    expect(await api.outbox.resend(first.id)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
