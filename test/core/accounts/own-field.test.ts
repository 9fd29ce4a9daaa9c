/**
 * "Make default" and "Trust this certificate" change only their field: what another window or the
 * CLI changed after the account was listed survives them (saving the listed account would undo it).
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AccountInput, type AccountView } from '../../../preload/common/contract/index.ts';
import { testCore, value, type TestCore } from '../../helpers/core.ts';
import { selfSigned, startAccountsServer } from './servers.ts';

const settings = (name: string, port = 465): AccountInput => ({
  name,
  email: `${name.toLowerCase()}@example.org`,
  host: '127.0.0.1',
  port,
  security: 'starttls',
  username: 'me',
  passwordCommand: 'printf pw',
});

/** Another window saves the account meanwhile, and the sender pauses it. */
async function changeMeanwhile({ api, core }: TestCore, listed: AccountView, port?: number) {
  await value(api.accounts.save({ ...settings(listed.name, port), id: listed.id, signature: 'Changed meanwhile', maxPerMinute: 7, retryDays: 2 }));
  core.accounts.pause(listed.id, 'Paused meanwhile.');
}
const meanwhile = { signature: 'Changed meanwhile', maxPerMinute: 7, retryDays: 2, pausedReason: 'Paused meanwhile.' };

describe('changing one thing about an account', () => {
  it('makeDefault makes it the default and leaves everything else as it is now', async () => {
    const t = testCore(undefined);
    await value(t.api.accounts.save(settings('A')));
    await value(t.api.accounts.save(settings('B')));
    const [a, b] = await value(t.api.accounts.list());
    await changeMeanwhile(t, b!);

    expect(await value(t.api.accounts.makeDefault(b!.id))).toMatchObject({ isDefault: true, ...meanwhile });
    expect((await value(t.api.accounts.list())).map((x) => [x.name, x.isDefault])).toEqual([
      ['A', false],
      ['B', true],
    ]);
    expect(await value(t.api.accounts.makeDefault(a!.id))).toMatchObject({ isDefault: true, signature: '' });
    expect(t.core.accounts.get(b!.id)).toMatchObject({ isDefault: false, ...meanwhile });
    expect(await t.api.accounts.makeDefault(2 ** 31)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('trustCertificate pins what the server presents, if it is the fingerprint shown, and leaves everything else as it is now', async () => {
    const certificate = await selfSigned('self.example.net');
    const server = await startAccountsServer({ certificate, auth: { user: 'me', pass: 'pw' } });
    onTestFinished(() => server.close());
    const t = testCore(undefined);
    const listed = await value(t.api.accounts.save(settings('Home', server.port)));
    const shown = (await value(t.api.accounts.test(listed.id))).certificate!.fingerprint;

    // The account moves to another server name while the certificate is fetched: nothing is pinned for it.
    const pinning = t.core.accounts.trustCertificate(listed.id, shown);
    await t.core.accounts.save(AccountInput.parse({ ...settings('Home', server.port), id: listed.id, host: 'localhost' }));
    await expect(pinning).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed to another server meanwhile/) });
    expect(t.core.accounts.get(listed.id).pin).toBeNull();

    await changeMeanwhile(t, listed, server.port);

    expect(await t.api.accounts.trustCertificate(listed.id, 'AB'.repeat(32))).toMatchObject({
      ok: false,
      error: { code: 'smtp_tls', field: 'tlsFingerprint' },
    });
    expect(await t.api.accounts.trustCertificate(listed.id, 'not a fingerprint')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(t.core.accounts.get(listed.id).pin).toBeNull();

    expect(await value(t.api.accounts.trustCertificate(listed.id, shown))).toMatchObject({
      tlsFingerprint: new X509Certificate(certificate.cert).fingerprint256,
      ...meanwhile,
    });
    expect(t.core.accounts.get(listed.id).pin?.certificate).toContain('BEGIN CERTIFICATE');
    // Sending is still paused (only a save resumes it), but the connection now trusts exactly this certificate.
    expect(await value(t.api.accounts.test(listed.id))).toMatchObject({ ok: true });
  });
});
