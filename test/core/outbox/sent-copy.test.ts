/**
 * The copy in Sent against a real Dovecot IMAP: STARTTLS on a self-signed certificate made here,
 * which the account pins (IMAP on the SMTP host: the account's pin applies); the folder found by its
 * \Sent mark; one copy whatever happens between the APPEND and its record (the line dying there, a
 * process killed there). `auto` and uncertain messages: sent-copy-auto.test.ts.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../../helpers/clock.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { missingDovecotImap, SENT, startImapServer } from '../../helpers/imap.ts';
import { closedPort, until } from '../../helpers/net.ts';
import { holdingProxy, sentCopyServers, USER } from '../../helpers/sent-copy.ts';

/** A separate Outbound process that flushes the outbox and its copies in Sent. */
const FLUSH = join(import.meta.dirname, '..', '..', 'fixtures', 'flush.ts');
const missing = missingDovecotImap();
const { servers, setUp, send, copiesOf, provider } = sentCopyServers();

describe.skipIf(missing)('the copy in Sent (Dovecot IMAP)', () => {
  it('puts one copy in the \\Sent folder: the sent bytes with a Bcc: header, flagged \\Seen, its UID kept; the views say saved', async () => {
    const t = await setUp(servers.imap.port);
    const message = await send(t, 'One copy', ['boss@example.org', 'hr@example.org']);
    expect(message.state).toBe('sent');
    expect(message.sentCopy).toEqual({ state: 'saved', folder: SENT, reason: null, nextTry: null });
    const [copy, ...more] = await copiesOf(message);
    expect(more).toEqual([]);
    expect(copy!.flags).toContain('\\Seen');
    const bccHeader = 'Bcc: boss@example.org,\r\n hr@example.org\r\n'; // one header, folded
    expect(copy!.raw.startsWith(bccHeader)).toBe(true);
    const sentBytes = servers.smtp.messages.find((m) => m.raw.includes(message.messageId))!.raw.toString();
    expect(sentBytes).not.toMatch(/boss@|hr@/);
    expect(copy!.raw.slice(bccHeader.length)).toBe(sentBytes);
    const row = t.core.db.prepare('SELECT uid, uidvalidity FROM sent_copies WHERE message_id = ?').get(message.id) as { uid: number; uidvalidity: number };
    expect(row.uid).toBeGreaterThan(0);
    expect(row.uidvalidity).toBeGreaterThan(0);
    // Found once, then kept with the account.
    expect((await value(t.api.accounts.find(String(t.account.id)))).imap?.sentFolder).toBe(SENT);
    expect((await value(t.api.sent.list())).find((m) => m.id === message.id)?.sentCopy?.state).toBe('saved');
    expect(await t.api.sent.retryCopy(message.id)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `The copy of message ${message.id} is saved: there is nothing to try again.` },
    });
  });

  it("IMAP on another host than SMTP: the account's pin does not apply there, IMAP's own does (fetched over IMAP's STARTTLS)", async () => {
    const fingerprint = new X509Certificate(servers.certificate.cert).fingerprint256;
    const elsewhere = { host: 'localhost', port: servers.imap.port, security: 'starttls' } as const;
    const t = await setUp(servers.imap.port, { imap: elsewhere });
    const refused = await send(t, 'Untrusted IMAP');
    expect(refused.sentCopy).toMatchObject({ state: 'failed', reason: expect.stringContaining('No trusted TLS connection to The IMAP server localhost') });
    const pinned = await value(
      t.api.accounts.save({
        ...accountFor(servers.smtp, { tlsFingerprint: fingerprint, sentCopy: 'always' }),
        id: t.account.id,
        imap: { ...elsewhere, tlsFingerprint: fingerprint },
      }),
    );
    expect(pinned.imap?.tlsFingerprint).toBe(fingerprint);
    const message = await send(t, 'Pinned IMAP');
    expect(message.sentCopy).toMatchObject({ state: 'saved', folder: SENT });
  });

  it('`never`: no copy, and the view says skipped', async () => {
    const t = await setUp(servers.imap.port, { sentCopy: 'never' });
    const message = await send(t, 'No copy');
    expect(message.sentCopy).toMatchObject({ state: 'skipped', reason: 'The account is set to keep no copy in Sent.' });
    expect(await copiesOf(message)).toEqual([]);
  });

  it('IMAP away: the message is sent all the same, the copy waits with its reason; back, exactly one copy after two flushes', async () => {
    const port = await closedPort();
    const t = await setUp(port);
    const message = await send(t, 'Away and back');
    expect(message.state).toBe('sent');
    expect(message.sentCopy).toMatchObject({ state: 'pending', reason: expect.stringContaining(`127.0.0.1:${port} could not be reached`) });
    expect(message.sentCopy?.nextTry).not.toBeNull();
    const later = await startImapServer({ user: USER, certificate: servers.certificate, port });
    try {
      await value(t.api.outbox.flush());
      await value(t.api.outbox.flush());
      expect((await value(t.api.outbox.get(message.id))).sentCopy).toMatchObject({ state: 'saved', folder: SENT });
      expect(await copiesOf(message, later)).toHaveLength(1);
    } finally {
      await later.stop();
    }
  });

  it('a copy already in Sent (appended before a crash lost its record) is not appended again', async () => {
    const t = await setUp(servers.imap.port);
    const message = await send(t, 'Appended before the crash');
    // As if the copy's record were lost: pending again, its APPEND done.
    t.core.db.prepare(`UPDATE sent_copies SET state = 'pending', not_before = 0 WHERE message_id = ?`).run(message.id);
    await value(t.api.outbox.flush());
    expect((await value(t.api.outbox.get(message.id))).sentCopy?.state).toBe('saved');
    expect(await copiesOf(message)).toHaveLength(1);
  });

  it('a message the user marked as sent (no reply from the server to go by) gets its copy too', async () => {
    let drop = true;
    const dropping = await provider({ dropAfterData: () => drop });
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: dropping.host, port: dropping.port });
    const queued = await value(t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], subject: 'Marked as sent', text: 'Hello' }));
    await t.core.sender.flush();
    expect((await value(t.api.outbox.get(queued.id))).state).toBe('uncertain');
    drop = false;
    await value(t.api.outbox.markSent(queued.id));
    await value(t.api.outbox.flush());
    const message = await value(t.api.outbox.get(queued.id));
    expect(message).toMatchObject({ state: 'sent', lastReply: null, sentCopy: { state: 'saved', folder: SENT } });
    expect(await copiesOf(message)).toHaveLength(1);
  });

  it('while its APPEND is under way a copy is leased for five minutes and its folder is on record; the line dying there waits, and makes one copy', async () => {
    const proxy = await holdingProxy(servers.imap.port, 40_000);
    try {
      const clock = new TestClock();
      const t = await setUp(proxy.port, {}, clock);
      const queued = await value(
        t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], subject: 'Cut off mid-copy', text: 'A line of the body.\n'.repeat(4000) }),
      );
      await t.core.sender.flush();
      const message = await value(t.api.outbox.get(queued.id));
      const copying = t.core.copier.flush();
      await until(async () => (await copiesOf(message)).length === 1, 15_000, 'the APPEND on the server');
      expect(t.core.db.prepare('SELECT state, folder, lease_owner, lease_until FROM sent_copies WHERE message_id = ?').get(queued.id)).toEqual({
        state: 'pending',
        folder: SENT,
        lease_owner: t.core.copier.owner,
        lease_until: clock.now() + 5 * 60_000,
      });
      proxy.drop(); // the server has the copy; its answer never comes
      await copying;
      expect((await value(t.api.outbox.get(queued.id))).sentCopy).toMatchObject({ state: 'pending', reason: expect.stringContaining('The IMAP server') });
      proxy.release();
      await value(t.api.outbox.flush());
      expect((await value(t.api.outbox.get(queued.id))).sentCopy?.state).toBe('saved');
      expect(await copiesOf(message)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('too big for APPENDLIMIT: the copy fails with that reason, the message stays sent; retry is offered', async () => {
    const small = await startImapServer({ user: USER, certificate: servers.certificate, appendLimit: 200 });
    try {
      const t = await setUp(small.port);
      const message = await send(t, 'Too big for the Sent folder');
      expect(message.state).toBe('sent');
      expect(message.sentCopy).toMatchObject({ state: 'failed', reason: expect.stringContaining('does not take a message this big') });
      expect(await copiesOf(message, small)).toEqual([]);
      expect((await value(t.api.sent.retryCopy(message.id))).sentCopy?.state).toBe('pending');
    } finally {
      await small.stop();
    }
  });

  it('SIGKILL between the APPEND and its record: the next flush finds the copy in Sent and makes no second one', async () => {
    // The copier's IMAP goes through a proxy that, once the APPEND's bytes have gone up, holds back
    // the server's answer: the server has the copy, the process never hears it was made.
    const proxy = await holdingProxy(servers.imap.port, 40_000);
    try {
      const t = await setUp(proxy.port);
      const queued = await value(
        t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], subject: 'Killed mid-copy', text: 'A line of the body.\n'.repeat(4000) }),
      );
      await t.core.sender.flush(); // sent, its copy pending
      const child = spawn(process.execPath, [FLUSH], { env: { ...process.env, OUTBOUND_HOME: t.core.home }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      const message = await value(t.api.outbox.get(queued.id));
      await until(async () => (await copiesOf(message)).length === 1, 15_000, 'the APPEND on the server');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(t.core.db.prepare('SELECT state, lease_owner FROM sent_copies WHERE message_id = ?').get(queued.id)).toEqual({
        state: 'pending',
        lease_owner: expect.stringContaining(`:${child.pid}:`),
      });
      proxy.release();
      await value(t.api.outbox.flush());
      expect((await value(t.api.outbox.get(queued.id))).sentCopy?.state).toBe('saved');
      expect(await copiesOf(message)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('refuses IMAP on an account that logs in nowhere: the copy needs a login', async () => {
    const { api } = testCore(undefined);
    const saved = await api.accounts.save(
      accountFor(servers.smtp, {
        security: 'none',
        username: '',
        passwordCommand: '',
        imap: { host: '127.0.0.1', port: servers.imap.port, security: 'starttls' },
      }),
    );
    expect(saved).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'username' } });
  });

  it('the connection test covers IMAP: login, the Sent folder, capabilities', async () => {
    const t = await setUp(servers.imap.port);
    const result = await value(t.api.accounts.test(t.account.id));
    expect(result.ok).toBe(true);
    expect(result.imap).toMatchObject({ ok: true, sentFolder: SENT, certificateTrusted: true });
    expect(result.imap?.capabilities).toEqual(expect.arrayContaining(['IMAP4rev1', 'UIDPLUS']));
    expect(result.imap?.transcript).not.toContain(USER.pass);
  });
});
