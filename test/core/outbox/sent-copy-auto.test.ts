/**
 * The copy in Sent's `auto` mode against a real Dovecot IMAP: servers that file what they are given
 * in Sent themselves (at once, a moment later, under a Message-ID of their own, Gmail) are found out
 * and remembered, those that do not get a copy; and an uncertain message on a server that files is
 * settled by looking in Sent, for an hour.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../../helpers/clock.ts';
import { accountFor, value } from '../../helpers/core.ts';
import { missingDovecotImap, SENT, startImapServer } from '../../helpers/imap.ts';
import { closedPort, until } from '../../helpers/net.ts';
import { holdingProxy, sentCopyServers, USER } from '../../helpers/sent-copy.ts';

const missing = missingDovecotImap();
const { servers, setUp, send, copiesOf, provider, filesInSent } = sentCopyServers();

describe.skipIf(missing)('the copy in Sent, `auto` (Dovecot IMAP)', () => {
  it('`auto` on a server that files submitted mail itself: skipped, no duplicate, and remembered for the account', async () => {
    const filing = await provider({
      data: filesInSent,
    });
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: filing.host, port: filing.port });
    const message = await send(t, 'Filed by the server');
    expect(message.sentCopy).toMatchObject({ state: 'skipped', reason: 'The server files sent mail in Sent itself.' });
    expect(await copiesOf(message)).toHaveLength(1);
    expect((await value(t.api.accounts.find(String(t.account.id)))).imap?.filesSentItself).toBe(true);
  });

  it('`auto` whose first try found IMAP away: back, it still finds out that the server files it, and adds no duplicate', async () => {
    const filing = await provider({
      data: filesInSent,
    });
    const port = await closedPort();
    const t = await setUp(port, { sentCopy: 'auto', host: filing.host, port: filing.port });
    const message = await send(t, 'Away at first, filed by the server');
    expect(message.sentCopy?.state).toBe('pending');
    const back = await holdingProxy(servers.imap.port, Infinity, port); // IMAP back where the account expects it
    try {
      await value(t.api.outbox.flush());
      expect((await value(t.api.outbox.get(message.id))).sentCopy).toMatchObject({ state: 'skipped', reason: 'The server files sent mail in Sent itself.' });
      expect(await copiesOf(message)).toHaveLength(1);
    } finally {
      await back.close();
    }
  });

  it('`auto` on a server that files it under a Message-ID of its own, named in its reply to the end of data (Microsoft): skipped', async () => {
    const renaming = await provider({
      data: (received) => {
        const renamed = received.raw.toString().replace(/^Message-ID: <[^>]+>/im, 'Message-ID: <renamed@provider.example>');
        void servers.imap.append(renamed);
        return undefined;
      },
      dataReply: () => '2.0.0 OK <renamed@provider.example> [Hostname=provider.example]',
    });
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: renaming.host, port: renaming.port });
    const message = await send(t, 'Renamed by the server');
    expect(message.lastReply).toContain('<renamed@provider.example>');
    expect(message.sentCopy).toMatchObject({ state: 'skipped', reason: 'The server files sent mail in Sent itself.' });
    expect(await copiesOf(message)).toEqual([]); // not under our Message-ID: under the server's own
  });

  it('an uncertain message (the line died after the final dot) on a server that files what it gets: found in Sent, it is sent', async () => {
    let drop = false;
    const filing = await provider({
      data: filesInSent,
      dropAfterData: () => drop,
    });
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: filing.host, port: filing.port });
    await send(t, 'Found out that it files'); // the first send finds out
    drop = true;
    const queued = await value(t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], subject: 'The line died after the dot', text: 'Hello' }));
    await t.core.sender.flush();
    expect((await value(t.api.outbox.get(queued.id))).state).toBe('uncertain');
    // The provider's filing is its own business: wait until it is in Sent, then the copier's pass finds it.
    await until(async () => (await copiesOf(queued)).length === 1, 10_000, 'the provider filing the message');
    await value(t.api.outbox.flush());
    const message = await value(t.api.outbox.get(queued.id));
    // The attempt left it uncertain; the mailbox settled it.
    expect((await value(t.api.outbox.attempts(message.id))).map((a) => a.outcome)).toEqual(['uncertain']);
    expect(message.state).toBe('sent');
    expect(message.sentCopy).toMatchObject({ state: 'skipped', reason: 'The server files sent mail in Sent itself.' });
    expect(await copiesOf(message)).toHaveLength(1);
  });

  it('an uncertain message is looked for in Sent during the hour after it became uncertain, not later: then the user decides', async () => {
    let drop = false;
    const filing = await provider({
      // The provider files all but one.
      data: (received) => (received.parsed.subject === 'Never filed' ? undefined : filesInSent(received)),
      dropAfterData: () => drop,
    });
    const clock = new TestClock();
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: filing.host, port: filing.port }, clock);
    await send(t, 'Found out that it files, again');
    drop = true;
    const uncertain = async (subject: string, filed = true) => {
      const queued = await value(t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], subject, text: 'Hello' }));
      await t.core.sender.flush();
      expect((await value(t.api.outbox.get(queued.id))).state).toBe('uncertain');
      if (filed) await until(async () => (await copiesOf(queued)).length === 1, 10_000, 'the provider filing the message');
      return queued;
    };
    const older = await uncertain('Uncertain for an hour and a moment');
    clock.advance(30 * 60_000);
    const newer = await uncertain('Uncertain for half an hour');
    const notFiled = await uncertain('Never filed', false);
    clock.advance(30 * 60_000 + 1);
    await value(t.api.outbox.flush());
    expect((await value(t.api.outbox.get(newer.id))).state).toBe('sent');
    expect((await value(t.api.outbox.get(older.id))).state).toBe('uncertain');
    expect((await value(t.api.outbox.get(notFiled.id))).state).toBe('uncertain'); // not in Sent: not known to have arrived
  });

  it('`auto` known to be filed by the server: the next copy is skipped without asking IMAP; set to `always`, it is saved (found there)', async () => {
    const filing = await provider({
      data: filesInSent,
    });
    const extra = { sentCopy: 'auto', host: filing.host, port: filing.port } as const;
    const t = await setUp(servers.imap.port, extra);
    await send(t, 'Finds out that it files');
    // No folder looked at: the account says it is filed.
    expect((await send(t, 'Known to be filed')).sentCopy).toEqual({
      state: 'skipped',
      folder: null,
      reason: 'The server files sent mail in Sent itself.',
      nextTry: null,
    });
    const fingerprint = new X509Certificate(servers.certificate.cert).fingerprint256;
    const imap = { host: '127.0.0.1', port: servers.imap.port, security: 'starttls' } as const;
    await value(t.api.accounts.save({ ...accountFor(filing, { tlsFingerprint: fingerprint, imap, sentCopy: 'always' }), id: t.account.id }));
    expect((await value(t.api.accounts.find(String(t.account.id)))).imap?.filesSentItself).toBe(true);
    const always = await send(t, 'A copy of my own as well');
    expect(always.sentCopy).toMatchObject({ state: 'saved', folder: SENT });
    expect(await copiesOf(always)).toHaveLength(1); // the server's own is found there: one copy, not two
  });

  it('`auto` on a server that files the message a moment later: looked for until it shows up, then skipped', async () => {
    const filingLater = await provider({
      data: (received) => void setTimeout(() => filesInSent(received), 1_000),
    });
    const t = await setUp(servers.imap.port, { sentCopy: 'auto', host: filingLater.host, port: filingLater.port });
    const message = await send(t, 'Filed a second later');
    expect(message.sentCopy).toMatchObject({ state: 'skipped', reason: 'The server files sent mail in Sent itself.' });
    expect(await copiesOf(message)).toHaveLength(1);
  });

  it('`auto` on Gmail (X-GM-EXT-1): skipped without looking, and remembered', async () => {
    const gmailLike = await startImapServer({ user: USER, certificate: servers.certificate, capability: 'X-GM-EXT-1' });
    try {
      const t = await setUp(gmailLike.port, { sentCopy: 'auto' });
      const message = await send(t, 'Gmail files it');
      expect(message.sentCopy).toMatchObject({ state: 'skipped', folder: SENT, reason: 'The server files sent mail in Sent itself.' });
      expect(await copiesOf(message, gmailLike)).toEqual([]);
      expect((await value(t.api.accounts.find(String(t.account.id)))).imap?.filesSentItself).toBe(true);
    } finally {
      await gmailLike.stop();
    }
  });

  it('`auto` on a server that does not: appended after looking for a moment, and remembered', async () => {
    const t = await setUp(servers.imap.port, { sentCopy: 'auto' });
    const message = await send(t, 'Not filed by the server');
    expect(message.sentCopy?.state).toBe('saved');
    expect(await copiesOf(message)).toHaveLength(1);
    expect((await value(t.api.accounts.find(String(t.account.id)))).imap?.filesSentItself).toBe(false);
  });
});
