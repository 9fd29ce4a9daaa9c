/**
 * Interop with the server most people submit to: Postfix submission with Dovecot SASL and STARTTLS,
 * on loopback, started here. The real core sends through it; what lands in the Maildir is parsed.
 * Skipped with a message where Postfix or Dovecot is missing — but required under CI, which installs them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { messagesDir } from '../../main/core/paths.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../helpers/core.ts';
import { missingMailServer, startMailServer, type MailServer } from './mailserver.ts';

const USER = { name: 'ann@interop.test', pass: 'interop pass phrase' };
const missing = missingMailServer();
if (missing && process.env.CI) throw new Error(`The interop tests must run under CI, but: ${missing}.`);
if (missing) console.warn(`Skipping the Postfix/Dovecot interop tests: ${missing}.`);

let server: MailServer;
beforeAll(async () => {
  if (!missing) server = await startMailServer(USER);
});
afterAll(() => server?.stop());

const account = (pass = USER.pass) =>
  accountFor({ host: '127.0.0.1', port: server.port }, { email: USER.name, username: USER.name, passwordCommand: `printf '%s' '${pass}'` });

describe.skipIf(missing !== undefined)('Postfix submission with Dovecot SASL', () => {
  it('passes the connection test: STARTTLS, AUTH through Dovecot, and the capabilities Postfix announces', async () => {
    const { api } = testCore(server);
    const saved = await value(api.accounts.save(account()));
    const result = await value(api.accounts.test(saved.id));
    expect(result.verdict).toMatch(/^Everything works: .* with STARTTLS, signed in as ann@interop\.test/);
    expect(result.capabilities).toMatchObject({ starttls: true, pipelining: true, eightBitMime: true, smtpUtf8: true, dsn: true });
    expect(result.capabilities?.auth).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    expect(result.transcript).toMatch(/^S: 220 mx\.interop\.test ESMTP/m);
    expect(result.transcript).not.toContain(USER.pass);
  });

  it('says "Password rejected" with Postfix\'s 535 for a wrong password', async () => {
    const { api } = testCore(server);
    const saved = await value(api.accounts.save(account('not the password')));
    const result = await value(api.accounts.test(saved.id));
    expect(result).toMatchObject({ ok: false, code: 535 });
    expect(result.verdict).toMatch(/^Password rejected: 535 5\.7\.8 Error: authentication failed/);
  });

  it('delivers a message sent by the real core into the Maildir, exactly as frozen', async () => {
    const { core, api } = testCore(server);
    const saved = await value(api.accounts.save(account()));
    const before = server.delivered().length;
    const queued = await value(
      api.outbox.send({
        accountId: saved.id,
        to: ['bob@example.org'],
        cc: ['carol@example.com'],
        subject: 'Interop — über Postfix',
        text: 'Hello Bob,\n\nvia Postfix.\n',
        delaySeconds: 0,
      }),
    );
    const sent = await core.sender.sendNow(queued.id);
    expect(sent.state, server.logs()).toBe('sent');
    expect(sent.lastReply).toMatch(/^250 2\.0\.0 Ok: queued as /);

    let delivered: Buffer[] = [];
    for (let i = 0; i < 100 && delivered.length < before + 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivered = server.delivered();
    }
    expect(delivered.length, server.logs()).toBe(before + 2); // one copy per recipient, both into the one Maildir
    const mail = await simpleParser(delivered.at(-1)!);
    expect(mail.messageId).toBe(queued.messageId);
    expect(mail.subject).toBe('Interop — über Postfix');
    expect(mail.text).toBe('Hello Bob,\n\nvia Postfix.\n');
    // Postfix adds its trace headers in front; the rest are the frozen bytes (stored with LF line ends).
    const raw = delivered.at(-1)!.toString('utf8');
    expect(raw).toMatch(/^Return-Path: <ann@interop\.test>\n/);
    expect(raw).toMatch(/^Received: from .*\n\s+by mx\.interop\.test \(Postfix\) with ESMTPSA/m);
    const frozen = readFileSync(join(messagesDir(core.home), readdirSync(messagesDir(core.home))[0]!), 'utf8');
    expect(raw.endsWith(frozen.replace(/\r\n/g, '\n'))).toBe(true);
  });
});
