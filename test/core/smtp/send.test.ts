import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesDir } from '../../../main/core/paths.ts';
import { submit } from '../../../main/core/smtp/submit.ts';
import { accountFor, tempHome, testCore, value } from '../../helpers/core.ts';
import { closedPort } from '../../helpers/net.ts';
import { keptHome, passwordCommandFor, registerTestSecret } from '../../helpers/secrets.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

// Registered for the final secrets scan, which searches the data directories these tests keep (keptHome).
const AUTH = { user: 'me', pass: registerTestSecret('send-test s3cret', { user: 'me' }) };
const PASSWORD_COMMAND = passwordCommandFor(AUTH.pass);
const WRONG_PASSWORD_COMMAND = passwordCommandFor(registerTestSecret('wrong-pass', { user: 'me' }));
let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('sending through a real SMTP server', () => {
  it('submits over STARTTLS with AUTH exactly the frozen message, with Bcc only in the envelope', async () => {
    server = await startSmtpServer({ auth: AUTH });
    const { core, api } = testCore(server, { home: keptHome() });
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: PASSWORD_COMMAND })));
    const queued = await value(
      api.outbox.send({
        accountId: account.id,
        to: ['Ann Example <ann@example.org>, bob@example.net'],
        cc: ['carol@example.com'],
        bcc: ['dave@example.org'],
        subject: 'Grüße — quarterly numbers',
        text: 'Hello Ann,\r\n.\r\nA line with a lone dot above.\n',
      }),
    );
    expect(queued.state).toBe('queued');
    expect(queued.messageId).toMatch(/^<[0-9a-f-]+@outbound\.test>$/);

    const sent = await core.sender.sendNow(queued.id);
    expect(sent.state).toBe('sent');
    expect(sent.lastReply).toMatch(/^250 2\.0\.0 Ok: queued as T1/);
    expect(sent.recipients.map((r) => [r.address, r.kind, r.state])).toEqual([
      ['ann@example.org', 'to', 'accepted'],
      ['bob@example.net', 'to', 'accepted'],
      ['carol@example.com', 'cc', 'accepted'],
      ['dave@example.org', 'bcc', 'accepted'],
    ]);

    const [received] = await server.waitForMessages(1);
    expect(received!.user).toBe('me');
    expect(received!.envelope).toEqual({ from: 'me@outbound.test', to: ['ann@example.org', 'bob@example.net', 'carol@example.com', 'dave@example.org'] });
    const mail = received!.parsed;
    expect(mail.subject).toBe('Grüße — quarterly numbers');
    expect(mail.messageId).toBe(queued.messageId);
    expect(mail.from?.value).toEqual([{ name: 'Me Myself', address: 'me@outbound.test' }]);
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value.map((a) => a.address)).toEqual(['ann@example.org', 'bob@example.net']);
    expect(mail.text).toBe('Hello Ann,\n.\nA line with a lone dot above.\n');
    expect(mail.headers.has('bcc')).toBe(false);
    // Byte-identical to what was frozen at enqueue (dot-stuffing undone by the server).
    const frozen = readFileSync(join(messagesDir(core.home), readdirSync(messagesDir(core.home))[0]!));
    expect(received!.raw.equals(frozen)).toBe(true);

    expect((await value(api.sent.list())).map((m) => m.id)).toEqual([queued.id]);
    expect(await value(api.outbox.list())).toEqual([]);
  });

  it('submits over implicit TLS', async () => {
    server = await startSmtpServer({ auth: AUTH, secure: true });
    const { core, api } = testCore(server, { home: keptHome() });
    const account = await value(api.accounts.save(accountFor(server, { security: 'tls', passwordCommand: PASSWORD_COMMAND })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't' }));
    expect((await core.sender.sendNow(queued.id)).state).toBe('sent');
    expect((await server.waitForMessages(1))[0]!.user).toBe('me');
  });

  it('fails on a wrong password, says so, and keeps AUTH out of the transcript', async () => {
    server = await startSmtpServer({ auth: AUTH });
    const { core, api } = testCore(server, { home: keptHome() });
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: WRONG_PASSWORD_COMMAND })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't' }));
    const failed = await core.sender.sendNow(queued.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastStage).toBe('auth');
    expect(failed.lastError).toMatch(/rejected the login: 535 5\.7\.8 Authentication credentials invalid/);
    // The attempt, as the outbox screen and `outbound outbox show` present it.
    const [attempt, ...older] = await value(api.outbox.attempts(queued.id));
    expect(older).toEqual([]);
    expect(attempt).toMatchObject({ stage: 'auth', outcome: 'failed', reply: expect.stringMatching(/^535 /) });
    const { transcript } = attempt!;
    expect(transcript).toMatch(/^C: EHLO /m);
    expect(transcript).toMatch(/^C: STARTTLS$/m);
    expect(transcript).toMatch(/^C: AUTH PLAIN \[redacted\]$/m);
    expect(transcript).not.toMatch(/wrong-pass|d3JvbmctcGFzcw|bWU/); // the password, its base64, the username's base64
    expect(server.messages).toHaveLength(0);
    expect((await value(api.outbox.list())).map((m) => m.state)).toEqual(['failed']);
    expect(await api.outbox.attempts(queued.id + 1)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('keeps the message queued when the server is unreachable, and sends it once the server is up', async () => {
    const port = await closedPort();
    const { core, api } = testCore(undefined);
    const account = await value(api.accounts.save(accountFor({ host: '127.0.0.1', port }, { username: '', passwordCommand: '', security: 'none' })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'offline', text: 't' }));
    const waiting = await core.sender.sendNow(queued.id);
    expect(waiting.state).toBe('queued');
    expect(waiting.lastStage).toBe('connect');
    expect(waiting.lastError).toMatch(/refused the connection/);
    expect(waiting.attempts).toBe(1);

    server = await startSmtpServer();
    await value(api.accounts.save({ ...accountFor(server, { username: '', passwordCommand: '', security: 'none' }), id: account.id, port: server.port }));
    await core.sender.flush(); // ignores the backoff
    expect(core.outbox.view(queued.id).state).toBe('sent');
    expect((await server.waitForMessages(1))[0]!.parsed.messageId).toBe(queued.messageId);
  });

  it('fails a message whose server certificate is not trusted, without sending', async () => {
    server = await startSmtpServer({ auth: AUTH });
    const { core, api } = testCore(undefined); // does not trust the test CA
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: PASSWORD_COMMAND })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't' }));
    const failed = await core.sender.sendNow(queued.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatch(/certificate could not be verified/);
    expect(server.messages).toHaveLength(0);
  });

  it('records each recipient: a 550 fails that one only, a 450 is retried alone with the same bytes', async () => {
    let deferBob = true;
    server = await startSmtpServer({
      auth: AUTH,
      rcpt: (address) => {
        if (address === 'nobody@example.org') return { code: 550, message: '5.1.1 No such user' };
        if (address === 'bob@example.org' && deferBob) return { code: 450, message: '4.2.1 Mailbox busy, try later' };
        return undefined;
      },
    });
    const { core, api } = testCore(server, { home: keptHome() });
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: PASSWORD_COMMAND })));
    const queued = await value(
      api.outbox.send({
        accountId: account.id,
        to: ['ann@example.org', 'nobody@example.org', 'bob@example.org'],
        subject: 'partial',
        text: 't',
      }),
    );
    const first = await core.sender.sendNow(queued.id);
    expect(first.state).toBe('queued');
    expect(first.recipients.map((r) => [r.address, r.state])).toEqual([
      ['ann@example.org', 'accepted'],
      ['nobody@example.org', 'rejected'],
      ['bob@example.org', 'deferred'],
    ]);
    expect(first.recipients[1]!.reply).toMatch(/^550 5\.1\.1 No such user/);
    expect(first.lastError).toMatch(/Not delivered to nobody@example.org/);
    expect(new Date(first.notBefore!).getTime()).toBeGreaterThan(Date.now() + 30_000);

    deferBob = false;
    await core.sender.flush();
    const done = core.outbox.view(queued.id);
    expect(done.state).toBe('sent');
    expect(done.recipients.map((r) => r.state)).toEqual(['accepted', 'rejected', 'accepted']);
    const [a, b] = await server.waitForMessages(2);
    expect(a!.envelope.to).toEqual(['ann@example.org']);
    expect(b!.envelope.to).toEqual(['bob@example.org']);
    expect(b!.raw.equals(a!.raw)).toBe(true);
  });

  it('fails the message when every recipient is refused permanently', async () => {
    server = await startSmtpServer({ rcpt: () => ({ code: 550, message: '5.7.1 Relaying denied' }) });
    const { core, api } = testCore(server);
    const account = await value(api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't' }));
    const failed = await core.sender.sendNow(queued.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastStage).toBe('rcpt');
    expect(failed.recipients[0]).toMatchObject({ state: 'rejected' });
    expect(failed.lastError).toMatch(/550 5\.7\.1 Relaying denied/);
  });
});

describe('bad input is refused with a specific error and nothing is queued', () => {
  it.each([
    [{ to: ['bob@'] }, 'to', /"bob@" is not a valid email address/],
    [{ to: ['ann@example.org'], cc: ['not an address'] }, 'cc', /"not an address" is not an email address/],
    [{ to: [] }, 'to', /at least one recipient/],
    [{ to: ['ann@gmailcom'] }, 'to', /no dot in the domain/],
    [{ to: ['ann@example.org'], subject: 'two\r\nBcc: evil@example.org' }, 'subject', /Subject must be a single line/],
  ])('%j → %s', async (fields, field, message) => {
    server = await startSmtpServer({ auth: AUTH });
    const { core, api } = testCore(server, { home: keptHome() });
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: PASSWORD_COMMAND })));
    const result = await api.outbox.send({ accountId: account.id, subject: 's', text: 't', ...fields });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
    if (!result.ok) expect(result.error.message).toMatch(message);
    expect(readdirSync(messagesDir(core.home))).toEqual([]);
    expect(core.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it('an unknown account', async () => {
    const { api } = testCore(undefined);
    const result = await api.outbox.send({ accountId: 42, to: ['ann@example.org'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('the body mark and the end of data', () => {
  const frozen = () => {
    const file = join(tempHome(), 'm.eml');
    writeFileSync(file, 'From: me@outbound.test\r\nTo: ann@example.org\r\nSubject: mark\r\n\r\nBody.\r\n');
    return file;
  };
  const envelope = { from: 'me@outbound.test', to: ['ann@example.org'] };

  it('the end of data, which alone makes the message deliverable, waits until the mark is durable', async () => {
    server = await startSmtpServer();
    let durable!: () => void;
    let settled = false;
    const sending = submit({ host: server.host, port: server.port, security: 'none' }, envelope, frozen(), {
      beforeBody: () => new Promise<void>((resolve) => (durable = resolve)),
    }).finally(() => (settled = true));
    // The body goes out while the mark is being made durable; the end of data does not.
    await server.until(() => server!.bodiesBegun === 1, 'the body');
    expect([server.bodiesEnded, server.messages.length, settled]).toEqual([0, 0, false]);
    durable();
    const result = await sending;
    expect(result).toMatchObject({ stage: 'final', bodyWritten: true, accepted: ['ann@example.org'] });
    expect(server.messages).toHaveLength(1);
  });

  it('a mark that cannot be made durable sends no end of data: the server has nothing', async () => {
    server = await startSmtpServer();
    const result = await submit({ host: server.host, port: server.port, security: 'none' }, envelope, frozen(), {
      beforeBody: () => Promise.reject(new Error('disk full')),
    });
    expect(result).toMatchObject({ bodyWritten: false, failure: { kind: 'local' } });
    await server.until(() => server!.connectionsClosed === 1, 'the connection to close');
    expect([server.bodiesEnded, server.messages.length]).toEqual([0, 0]);
  });
});
