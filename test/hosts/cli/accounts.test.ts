/** `outbound account …` as scripts use it: child processes on a data directory, against real SMTP servers. */
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../../main/core/index.ts';
import { AccountInput, type AccountView } from '../../../preload/common/contract/index.ts';
import { addAccountArgs, cli as outbound } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { closedPort } from '../../helpers/net.ts';
import { selfSigned, startAccountsServer, type AccountsServer } from '../../core/accounts/servers.ts';

let server: AccountsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('outbound account', () => {
  it('pins a self-signed certificate with --tls-fingerprint; `account test` then passes and prints the verdict and the reply code', async () => {
    const certificate = await selfSigned('self.example.net');
    server = await startAccountsServer({ certificate, auth: { user: 'me', pass: 'pw' } });
    const home = tempHome();
    const fingerprint = new X509Certificate(certificate.cert).fingerprint256;
    const add = await outbound(home, addAccountArgs(server.port, ['--user', 'me', '--password-command', 'printf pw', '--tls-fingerprint', fingerprint]));
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^Added account "work" \(id 1\): .*certificate pinned\)\.$/m);

    const test = await outbound(home, ['account', 'test', 'work', '--transcript']);
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/^Everything works: connected to 127\.0\.0\.1:\d+ with STARTTLS, signed in as me/);
    expect(test.stdout).toMatch(/^Reply code: 250/m);
    expect(test.stdout).toContain(`SHA-256 fingerprint: ${fingerprint}`);
    expect(test.stdout).toMatch(/^C: AUTH PLAIN \[redacted\]$/m);

    const list = await outbound(home, ['account', 'list']);
    expect(list.stdout).toContain(`work (default)\tme@outbound.test\t127.0.0.1:${server.port}\tstarttls\tpassword command\tpinned ${fingerprint}`);
  });

  it('exits non-zero with the verdict and the reply code when the password is wrong or the certificate is not trusted', async () => {
    server = await startAccountsServer({ certificate: await selfSigned('self.example.net'), auth: { user: 'me', pass: 'pw' } });
    const home = tempHome();
    expect((await outbound(home, addAccountArgs(server.port, ['--user', 'me', '--password-command', 'printf wrong']))).code).toBe(0);
    const untrusted = await outbound(home, ['account', 'test', '1']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/^The certificate of 127\.0\.0\.1:\d+ is not signed by an authority this system trusts \(it is self-signed\)/);
    expect(untrusted.stdout).toMatch(/^Reply code: none/m);

    const pinned = await outbound(home, ['account', 'edit', 'work', '--tls-fingerprint', /fingerprint ([0-9A-F:]+)/.exec(untrusted.stdout)![1]!]);
    expect(pinned.code).toBe(0);
    const rejected = await outbound(home, ['account', 'test', 'work']);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/^Password rejected: 535 5\.7\.8 Authentication credentials invalid$/m);
    expect(rejected.stdout).toMatch(/^Reply code: 535/m);
    expect(rejected.stdout + rejected.stderr).not.toContain('wrong');
  });

  it('with --test adds the account only when its settings pass the test, and otherwise says why and saves nothing', async () => {
    const certificate = await selfSigned('self.example.net');
    server = await startAccountsServer({ certificate, auth: { user: 'me', pass: 'pw' } });
    const home = tempHome();
    const pin = ['--tls-fingerprint', new X509Certificate(certificate.cert).fingerprint256];
    const wrong = await outbound(home, addAccountArgs(server.port, ['--user', 'me', '--password-command', 'printf wrong', ...pin, '--test', '--transcript']));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^Password rejected: 535 5\.7\.8 Authentication credentials invalid$/m);
    expect(wrong.stdout).toMatch(/^C: AUTH PLAIN \[redacted\]$/m);
    expect(wrong.stderr).toBe('outbound: the test did not pass, so the account was not added; without --test it is added all the same.\n');
    expect(JSON.parse((await outbound(home, ['account', 'list', '--json'])).stdout)).toEqual([]);

    const right = await outbound(home, addAccountArgs(server.port, ['--user', 'me', '--password-command', 'printf pw', ...pin, '--test']));
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^Everything works: connected to 127\.0\.0\.1:\d+ with STARTTLS, signed in as me/);
    expect(right.stdout).toMatch(/^Added account "work" \(id 1\)/m);
  });

  it('finds a big provider from the address alone with --autoconfig', async () => {
    const add = await outbound(tempHome(), ['account', 'add', '--name', 'g', '--email', 'someone@gmail.com', '--autoconfig']);
    expect(add.stdout).toContain('Found smtp.gmail.com:465 (tls) via preset: gmail.com.');
    expect(add.stdout).toContain('Found the IMAP server imap.gmail.com:993 too: with --user, sent mail gets a copy in Sent there.');
    expect(add.stdout).toContain('Added account "g" (id 1): someone@gmail.com via smtp.gmail.com:465 (tls, no AUTH).');
  });

  it('does not remove an account with queued mail unless told what to do with it', async () => {
    const home = tempHome();
    expect((await outbound(home, addAccountArgs(await closedPort(), ['--security', 'none']))).stderr).toMatch(/warning: this account sends without encryption/);
    expect(
      (
        await outbound(home, [
          'account',
          'add',
          '--name',
          'other',
          '--email',
          'o@outbound.test',
          '--host',
          'mail.outbound.test',
          '--port',
          '465',
          '--security',
          'tls',
        ])
      ).code,
    ).toBe(0);
    expect((await outbound(home, ['send', '--account', 'work', '--to', 'ann@example.org', '--subject', 'later', '--text', 'x'])).code).toBe(75);

    const refused = await outbound(home, ['account', 'remove', 'work']);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/still has 1 message in the outbox: cancel it, or move it to another account/);
    expect(refused.stderr).toMatch(/--queued move --to ACCOUNT/);

    expect((await outbound(home, ['account', 'remove', 'work', '--queued', 'move', '--to', 'other'])).code).toBe(0);
    const outbox = JSON.parse((await outbound(home, ['outbox', 'list', '--json'])).stdout) as { accountName: string; state: string }[];
    expect(outbox).toMatchObject([{ accountName: 'other', state: 'queued' }]);
    expect((await outbound(home, ['account', 'remove', 'other', '--queued', 'cancel'])).code).toBe(0);
    expect(JSON.parse((await outbound(home, ['outbox', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('`account edit --default` alone makes the account the default and changes nothing else', async () => {
    const home = tempHome();
    const add = (name: string) =>
      outbound(home, [
        'account',
        'add',
        '--name',
        name,
        '--email',
        `${name}@outbound.test`,
        '--host',
        'mail.outbound.test',
        '--port',
        '465',
        '--security',
        'tls',
      ]);
    expect((await add('work')).code).toBe(0);
    expect((await add('home')).code).toBe(0);
    const edit = await outbound(home, ['account', 'edit', 'home', '--default']);
    expect(edit).toMatchObject({ code: 0, stdout: 'Saved account "home" (id 2): home@outbound.test via mail.outbound.test:465 (tls, no AUTH).\n' });
    const accounts = JSON.parse((await outbound(home, ['account', 'list', '--json'])).stdout) as { name: string; isDefault: boolean }[];
    expect(accounts.map((a) => [a.name, a.isDefault])).toEqual([
      ['home', true],
      ['work', false],
    ]);
  });

  it('a full `account edit` keeps what it has no flag for: the limits another window set', async () => {
    const home = tempHome();
    const settings = { name: 'work', email: 'me@outbound.test', host: 'mail.outbound.test', port: 465, security: 'tls' } as const;
    expect(
      (await outbound(home, ['account', 'add', '--name', 'work', '--email', settings.email, '--host', settings.host, '--port', '465', '--security', 'tls']))
        .code,
    ).toBe(0);
    const core = openCore({ home, autoSend: false });
    const [work] = core.accounts.list();
    await core.accounts.save(AccountInput.parse({ ...settings, id: work!.id, maxPerMinute: 7, maxConnections: 3, retryDays: 0.5 }));
    await core.close();

    expect((await outbound(home, ['account', 'edit', 'work', '--signature', 'Ann', '--port', '587', '--security', 'starttls'])).code).toBe(0);
    const accounts = JSON.parse((await outbound(home, ['account', 'list', '--json'])).stdout) as AccountView[];
    expect(accounts).toMatchObject([{ signature: 'Ann', port: 587, security: 'starttls', maxPerMinute: 7, maxConnections: 3, retryDays: 0.5 }]);
  });

  it('signs in with --oauth only with a client ID, saying so before any browser is involved', async () => {
    const home = tempHome();
    const add = (extra: string[]) => outbound(home, ['account', 'add', '--name', 'g', '--email', 'me@gmail.com', ...extra]);
    const missing = await add(['--oauth', 'google']);
    expect(missing).toMatchObject({ code: 65 });
    expect(missing.stdout).toBe('Signing in with Google.\n');
    expect(missing.stderr).toMatch(/^outbound: Enter the client ID of an OAuth app registered with Google for Outbound; this build has none of its own\.$/m);
    const unknown = await add(['--oauth', 'yahoo']);
    expect(unknown).toMatchObject({ code: 64, stderr: expect.stringMatching(/--oauth must be one of google, microsoft\./) });
    expect(JSON.parse((await outbound(home, ['account', 'list', '--json'])).stdout)).toEqual([]);
  });
});
