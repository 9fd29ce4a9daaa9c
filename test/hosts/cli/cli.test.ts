/** The `outbound` command as scripts use it: a child process on a data directory, against a real SMTP server. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addAccountArgs, cli } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { hasPrivateKeyring } from '../../helpers/keychain.ts';
import { closedPort } from '../../helpers/net.ts';
import { keptHome, passwordCommandFor, registerTestSecret } from '../../helpers/secrets.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

// Registered for the final secrets scan, which searches the data directories these tests keep (keptHome) and the CLI's output.
const COMMAND_PASSWORD = registerTestSecret('pw from command', { user: 'me' });
const STDIN_PASSWORD = registerTestSecret('stdin-secret', { user: 'me' });

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The test account, with a display name. */
const addArgs = (port: number, extra: string[] = []) => addAccountArgs(port, ['--display-name', 'Me', ...extra]);

describe('outbound CLI', () => {
  it('adds an account, sends, and prints the Message-ID and the server reply', async () => {
    server = await startSmtpServer({ auth: { user: 'me', pass: COMMAND_PASSWORD } });
    const home = keptHome();
    const add = await cli(home, addArgs(server.port, ['--user', 'me', '--password-command', passwordCommandFor(COMMAND_PASSWORD)]));
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toMatch(/Added account "work" \(id 1\): me@outbound.test via 127.0.0.1:\d+ \(starttls, password command\)/);

    const list = await cli(home, ['account', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'work', email: 'me@outbound.test', security: 'starttls', secretSource: 'command' }]);

    const send = await cli(
      home,
      [
        'send',
        '--account',
        'work',
        '--to',
        'ann@example.org',
        '--to',
        'Bob <bob@example.org>',
        '--bcc',
        'c@example.org',
        '--subject',
        'From the CLI',
        '--text',
        'Hello from a script.',
      ],
      { ca: server.ca },
    );
    expect(send.stderr).toBe('');
    expect(send.code).toBe(0);
    const messageId = /^Message-ID: (<[^>]+>)$/m.exec(send.stdout)?.[1];
    expect(send.stdout).toMatch(/^Sent: 250 2\.0\.0 Ok: queued as T1/m);
    const [received] = await server.waitForMessages(1);
    expect(received!.parsed.messageId).toBe(messageId);
    expect(received!.parsed.subject).toBe('From the CLI');
    expect(received!.envelope.to).toEqual(['ann@example.org', 'bob@example.org', 'c@example.org']);

    const outbox = await cli(home, ['outbox', 'list', '--json']);
    expect(JSON.parse(outbox.stdout)).toMatchObject([{ messageId, state: 'sent', attempts: 1 }]);
  });

  it('`outbox list` narrows by --search, --state and --account, and says what is wrong with a state it does not know', async () => {
    const home = tempHome();
    expect((await cli(home, addArgs(await closedPort(), ['--security', 'none']))).code).toBe(0);
    const send = (subject: string, extra: string[]) =>
      cli(home, ['send', '--account', 'work', '--to', 'ann@example.org', '--subject', subject, '--text', 'x', ...extra]);
    expect((await send('Invoice for March', ['--at', '2999-01-01T09:00Z'])).code).toBe(0);
    expect((await send('Party on Friday', [])).code).toBe(75);
    const listed = async (args: string[]) =>
      (JSON.parse((await cli(home, ['outbox', 'list', '--json', ...args])).stdout) as { subject: string }[]).map((m) => m.subject);
    expect(await listed(['--search', 'invo'])).toEqual(['Invoice for March']);
    expect(await listed(['--state', 'scheduled'])).toEqual(['Invoice for March']);
    expect(await listed(['--account', 'work', '--state', 'queued'])).toEqual(['Party on Friday', 'Invoice for March']);
    expect((await cli(home, ['outbox', 'list', '--search', 'nowhere'])).stdout).toMatch(/^No message matches\.$/m);
    const wrong = await cli(home, ['outbox', 'list', '--state', 'lost']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/state/);
  });

  it('leaves the message queued when the server is unreachable (exit 75), and `outbox flush` sends it later', async () => {
    const home = tempHome();
    const port = await closedPort();
    expect((await cli(home, addArgs(port, ['--security', 'none']))).code).toBe(0);
    const send = await cli(home, ['send', '--account', 'work', '--to', 'ann@example.org', '--subject', 'later', '--text', 'x']);
    expect(send.code).toBe(75);
    expect(send.stderr).toMatch(/Still queued, will retry .*refused the connection.*stays in the outbox/);
    const queued = JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout);
    expect(queued).toMatchObject([{ state: 'queued', attempts: 1, lastStage: 'connect' }]);
    const refused = await cli(home, ['outbox', 'show', String(queued[0].id)]);
    expect(refused.stdout).toMatch(/^Attempt 1, \S+: queued at connect$/m);
    expect(refused.stdout).toMatch(/ECONNREFUSED/);

    server = await startSmtpServer();
    // The same account, now pointing at the live server (the CLI gains `account edit` with the accounts issue).
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(home, 'outbound.sqlite'));
    db.prepare('UPDATE accounts SET port = ?').run(server.port);
    db.close();
    const flush = await cli(home, ['outbox', 'flush']);
    expect(flush.code).toBe(0);
    expect(flush.stdout).toMatch(/Sent: 250/);
    expect((await server.waitForMessages(1))[0]!.parsed.messageId).toBe(queued[0].messageId);
    // Both attempts, newest first, each with its dialogue.
    const shown = JSON.parse((await cli(home, ['outbox', 'show', String(queued[0].id), '--json'])).stdout);
    expect(shown).toMatchObject({
      state: 'sent',
      attemptHistory: [
        { outcome: 'sent', stage: 'final' },
        { outcome: 'queued', stage: 'connect' },
      ],
    });
    expect(shown.attemptHistory[0].transcript).toMatch(/^C: MAIL FROM:<me@outbound\.test>$/m);
  });

  it.each([
    [['send', '--account', 'nope', '--to', 'a@example.org', '--subject', 's', '--text', 't'], 67, /There is no account named "nope"\. Accounts: work\./],
    [['send', '--account', 'work', '--to', 'bob@', '--subject', 's', '--text', 't'], 65, /To: "bob@" is not a valid email address/],
    [['send', '--account', 'work', '--subject', 's', '--text', 't'], 65, /Add at least one recipient/],
    [['send', '--account', 'work', '--to', 'a@example.org', '--text', 't'], 64, /--subject is required/],
    [['send', '--account', 'work', '--to', 'a@example.org', '--subject', 's', '--text-file', '/nonexistent/body.txt'], 65, /Cannot read --text-file .*ENOENT/],
    [
      ['account', 'add', '--name', 'x', '--email', 'x@example.org', '--host', 'h.example.org', '--port', '99999', '--security', 'tls'],
      65,
      /Port must be at most 65535/,
    ],
    [
      [
        'account',
        'add',
        '--name',
        'x',
        '--email',
        'x@example.org',
        '--host',
        'h.example.org',
        '--port',
        '25',
        '--security',
        'none',
        '--user',
        'u',
        '--password-command',
        'true',
      ],
      65,
      /never sent over an unencrypted connection/,
    ],
    [['frobnicate'], 64, /unknown command "frobnicate"/],
    [['outbox', 'show', '99'], 67, /There is no message with id 99 in the outbox/],
    [['outbox', 'show', 'first'], 64, /give the message to show as its number/],
  ])('%j exits %i with a specific reason', async (args, code, message) => {
    const home = tempHome();
    expect((await cli(home, addArgs(await closedPort(), ['--security', 'none']))).code).toBe(0);
    const run = await cli(home, args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(code);
    expect(JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('reads the password from standard input into the keychain, or says there is no keychain', async () => {
    const home = keptHome();
    const run = await cli(home, addArgs(587, ['--user', 'me']), { stdin: `${STDIN_PASSWORD}\n` });
    if (!hasPrivateKeyring) {
      expect(run.code).toBe(78);
      expect(run.stderr).toMatch(/No system keychain is available/);
      return;
    }
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/password in keychain/);
  });

  it("runs as `npx outbound` on the project's Node", async () => {
    const run = await cli(tempHome(), ['--help'], { npx: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: outbound <command>/);
  });
});
