/**
 * The OS keychain for real: keytar against a Secret Service (gnome-keyring in a dbus session, which
 * `npm test` starts; see test/run.ts). CI must have one, so there a missing keychain fails the suite.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { osKeychain } from '../../../main/core/accounts/secrets.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { hasPrivateKeyring } from '../../helpers/keychain.ts';
import { keptHome, recordTestOutput, registerTestSecret } from '../../helpers/secrets.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

// Registered for the final secrets scan, which searches the data directories these tests keep (keptHome).
const PASSWORD = registerTestSecret('kc-Pa55-' + Math.random().toString(36).slice(2), { user: 'me' });
const UNSAVED_PASSWORD = registerTestSecret('no-keychain-Pa55');

/** Every byte the data directory holds (the SQLite file, its WAL, frozen messages). */
function dataDirectoryBytes(home: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(home)
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

describe.skipIf(!hasPrivateKeyring)('OS keychain (gnome-keyring through keytar)', () => {
  it('keeps the password in the keychain only, and sends with it', async () => {
    const server = await startSmtpServer({ auth: { user: 'me', pass: PASSWORD } });
    try {
      const { core, api } = testCore(server, { secrets: osKeychain(), home: keptHome() });
      const account = await value(api.accounts.save(accountFor(server, { passwordCommand: undefined, password: PASSWORD })));
      expect(account).toMatchObject({ secretSource: 'keychain', passwordCommand: null });
      expect(JSON.stringify(account)).not.toContain(PASSWORD);

      const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'kc', text: 't' }));
      expect((await core.sender.sendNow(queued.id)).state).toBe('sent');
      expect((await server.waitForMessages(1))[0]!.user).toBe('me');

      const stored = core.accounts.get(account.id);
      expect(await osKeychain().get(stored.secretRef)).toBe(PASSWORD);
      const base64 = Buffer.from(PASSWORD).toString('base64');
      const bytes = dataDirectoryBytes(core.home);
      expect(bytes).not.toContain(PASSWORD);
      expect(bytes).not.toContain(base64);

      // Editing without a password keeps it; switching to a password command removes it from the keychain.
      await value(api.accounts.save({ ...accountFor(server, { passwordCommand: undefined }), id: account.id, displayName: 'Renamed' }));
      expect(await osKeychain().get(stored.secretRef)).toBe(PASSWORD);
      await value(api.accounts.save({ ...accountFor(server), id: account.id }));
      expect(await osKeychain().get(stored.secretRef)).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('removing an account removes its password from the keychain', async () => {
    const { core, api } = testCore(undefined, { secrets: osKeychain(), home: keptHome() });
    const account = await value(api.accounts.save(accountFor({ host: 'smtp.example.org', port: 587 }, { passwordCommand: undefined, password: PASSWORD })));
    const ref = core.accounts.get(account.id).secretRef;
    expect(await osKeychain().get(ref)).toBe(PASSWORD);
    await value(api.accounts.remove(account.id));
    expect(await osKeychain().get(ref)).toBeNull();
  });
});

describe('no keychain on the system', () => {
  it('says so plainly, offers the password command, and saves nothing', async () => {
    const home = keptHome();
    const script = `
      import { openCore } from './main/core/index.ts';
      import { createApi } from './main/hosts/api.ts';
      import { createDispatch } from './main/hosts/dispatch.ts';
      const core = openCore({ autoSend: false });
      const dispatch = createDispatch(createApi(core), core.home);
      const saved = await dispatch('accounts.save', [{ name: 'A', email: 'a@example.org', host: 'smtp.example.org', port: 587,
        security: 'starttls', username: 'a', password: '${UNSAVED_PASSWORD}' }]);
      const listed = await dispatch('accounts.list', []);
      console.log(JSON.stringify({ saved, listed }));
      await core.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      env: { ...process.env, OUTBOUND_HOME: home, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}` },
    });
    recordTestOutput(stdout);
    const { saved, listed } = JSON.parse(stdout);
    expect(saved).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
    expect(saved.error.message).toMatch(/No system keychain is available.*use a password command instead/s);
    expect(listed).toEqual({ ok: true, value: [] });
  });
});
