/**
 * `accounts.testSettings`: the connection test with settings not saved yet, against real servers (an
 * SMTP server with AUTH and STARTTLS, Dovecot for IMAP): a pass, the server's 535 for a wrong
 * password, a self-signed server passing once its fingerprint is given, a field error for settings
 * saving would refuse, and an edit tested with the stored password. Nothing is ever saved by it.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { mailServersForFile, missingDovecotImap } from '../../helpers/imap.ts';
import { registerTestSecret } from '../../helpers/secrets.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

// Its own password: accountFor's password command (in other tests' kept data directories) holds another.
const USER = { name: 'me', pass: registerTestSecret('settings test pass', { user: 'me' }) };
const servers = mailServersForFile(USER);

describe('testing settings before saving them', () => {
  it('passes with the right password, shows the 535 for a wrong one, and saves nothing either way', async () => {
    const smtp = await startSmtpServer({ auth: { user: USER.name, pass: USER.pass } });
    const { api } = testCore(smtp);
    try {
      const passed = await value(api.accounts.testSettings({ ...accountFor(smtp), passwordCommand: undefined, password: USER.pass }));
      expect(passed).toMatchObject({ ok: true, imap: null });
      expect(passed.verdict).toMatch(/^Everything works: connected to 127\.0\.0\.1:\d+ with STARTTLS, signed in as me/);

      const refused = await value(api.accounts.testSettings({ ...accountFor(smtp), passwordCommand: undefined, password: 'wrong' }));
      expect(refused).toMatchObject({ ok: false, code: 535, stage: 'auth' });
      expect(refused.verdict).toBe('Password rejected: 535 5.7.8 Authentication credentials invalid');
      expect(refused.transcript).toContain('C: AUTH PLAIN [redacted]');
      expect(refused.transcript).not.toContain('wrong');
      expect(await value(api.accounts.list())).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('refuses what saving refuses, with the field: a username without a password, an address that is none', async () => {
    const { api } = testCore(undefined);
    const server = { host: '127.0.0.1', port: 1 };
    expect(await api.accounts.testSettings({ ...accountFor(server), passwordCommand: undefined })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'password', message: expect.stringMatching(/^Enter the password/) },
    });
    expect(await api.accounts.testSettings({ ...accountFor(server), email: 'not an address' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'email' },
    });
  });

  it.skipIf(missingDovecotImap())('tests IMAP too, a self-signed server by the pin given, and an edit with the password stored', async () => {
    const { smtp, imap, certificate } = servers;
    const { api } = testCore(undefined);
    const fingerprint = new X509Certificate(certificate.cert).fingerprint256;
    const settings = {
      ...accountFor(smtp),
      passwordCommand: undefined,
      password: USER.pass,
      imap: { host: imap.host, port: imap.port, security: 'starttls' as const },
    };
    const unpinned = await value(api.accounts.testSettings(settings));
    expect(unpinned).toMatchObject({ ok: false, certificateTrusted: false, certificate: { selfSigned: true } });

    const pinned = await value(api.accounts.testSettings({ ...settings, tlsFingerprint: fingerprint }));
    expect(pinned).toMatchObject({ ok: true, imap: { ok: true, sentFolder: 'Outgoing' } });
    expect(await value(api.accounts.list())).toEqual([]);

    // An edit, tested with the password in the keychain since it was saved.
    const saved = await value(api.accounts.save({ ...settings, tlsFingerprint: fingerprint }));
    expect(await value(api.accounts.testSettings({ ...settings, id: saved.id, password: undefined, signature: 'changed' }))).toMatchObject({
      ok: true,
      imap: { ok: true },
    });
    expect((await value(api.accounts.list()))[0]?.signature).toBe('');
  });
});
