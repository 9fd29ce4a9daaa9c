/**
 * Delivery status notifications (RFC 3461): asked for per message or by the account's default, sent
 * as RET, ENVID and NOTIFY only to a server that offers DSN, and recorded as dropped where it does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: SmtpServerOptions = {}, account = {}) {
  server = await startSmtpServer(options);
  const t = testCore(server);
  const saved = await value(t.api.accounts.save(plainAccountFor(server, { ...account })));
  await value(t.api.settings.save({ undoSeconds: 0 }));
  return { ...t, account: saved };
}

describe('delivery reports', () => {
  it('to a server that offers DSN: RET and ENVID (the Message-ID) on MAIL FROM, NOTIFY on every RCPT TO', async () => {
    const { core, api, account } = await setUp();
    const message = await value(
      api.outbox.send({
        accountId: account.id,
        to: ['ann@example.org'],
        bcc: ['bob@example.org'],
        subject: 'Report, please',
        text: 'x',
        deliveryReport: { notify: ['failure', 'delay'], returns: 'full' },
      }),
    );
    await core.sender.flush();
    const [received] = server!.messages;
    expect(received!.envelope.dsn).toEqual({
      ret: 'FULL',
      envid: message.messageId.slice(1, -1),
      notify: [
        ['FAILURE', 'DELAY'],
        ['FAILURE', 'DELAY'],
      ],
    });
    expect(await value(api.outbox.get(message.id))).toMatchObject({
      state: 'sent',
      deliveryReport: { notify: ['failure', 'delay'], returns: 'full', dropped: false },
    });
    expect((await value(api.compose.sizeLimit(account.id))).deliveryReports).toBe(true);
  });

  it("the account's default applies unless the message says otherwise; `never` and none are choices too", async () => {
    const { core, api, account } = await setUp({}, { deliveryReport: { notify: ['success', 'failure'] } });
    expect(account.deliveryReport).toEqual({ notify: ['success', 'failure'], returns: 'headers' });
    const send = (subject: string, extra = {}) => value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'x', ...extra }));
    await send('default');
    await send('never', { deliveryReport: { notify: 'never' } });
    await send('none', { deliveryReport: null });
    await core.sender.flush();
    const bySubject = Object.fromEntries(server!.messages.map((m) => [m.parsed.subject, m.envelope.dsn]));
    expect(bySubject.default).toMatchObject({ ret: 'HDRS', notify: [['SUCCESS', 'FAILURE']] });
    expect(bySubject.never).toMatchObject({ notify: [['NEVER']] });
    expect(bySubject.none).toBeUndefined(); // no parameters at all
    const edited = await value(api.accounts.save({ ...plainAccountFor(server!), id: account.id }));
    expect(edited.deliveryReport).toEqual(account.deliveryReport); // absent on edit: kept
  });

  it('to a server without DSN: the message is sent, and the request is recorded as dropped', async () => {
    const { core, api, account } = await setUp({ hideDsn: true });
    const message = await value(
      api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'x', text: 'x', deliveryReport: { notify: ['failure'] } }),
    );
    await core.sender.flush();
    expect(server!.messages).toHaveLength(1);
    expect(await value(api.outbox.get(message.id))).toMatchObject({ state: 'sent', deliveryReport: { notify: ['failure'], dropped: true } });
    expect((await value(api.compose.sizeLimit(account.id))).deliveryReports).toBe(false);
    const plain = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'y', text: 'y' }));
    await core.sender.flush();
    expect((await value(api.outbox.get(plain.id))).deliveryReport).toBeNull();
  });

  it('refuses a request that is not one: an empty list, an unknown event', async () => {
    const { api, account } = await setUp();
    for (const deliveryReport of [{ notify: [] }, { notify: ['sometimes'] }, { notify: 'always' }]) {
      expect(await api.outbox.send({ accountId: account.id, to: ['a@example.org'], subject: 's', text: 't', deliveryReport } as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', field: 'deliveryReport.notify' },
      });
    }
  });
});
