/**
 * `outbound sendmail` driven as programs drive sendmail: a raw message with `-t -i`, git send-email
 * (`CMD -i RCPT…`) and PHP's mail() (`sendmail_path`), each checked on what the SMTP server received;
 * bad input exits 64 or 65 and queues nothing. The argument parser is tested on its own.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../main/hosts/cli/common.ts';
import { parseSendmailArgs } from '../../../main/hosts/cli/sendmail.ts';
import { cli, OUTBOUND } from '../../helpers/cli.ts';
import { tempHome, testCore, value } from '../../helpers/core.ts';
import { recordTestOutput } from '../../helpers/secrets.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const run = promisify(execFile);

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A data directory with the default account "work" on a test SMTP server; the sendmail command that
 * programs are given, and the environment they run it in.
 */
async function setUp() {
  const smtp = (server = await startSmtpServer());
  const home = tempHome();
  const { api } = testCore(undefined, { home });
  await value(api.accounts.save({ name: 'work', email: 'me@outbound.test', displayName: 'Me Myself', host: '127.0.0.1', port: smtp.port, security: 'none' }));
  // What git and PHP are given: the checkout's command by its path. They run it with cron's PATH, whose
  // first node is the system's (Debian's Node 20), not the project's Node 24.
  const sendmail = `'${OUTBOUND}' sendmail`;
  const env = { ...process.env, PATH: '/usr/bin:/bin', OUTBOUND_HOME: home, DBUS_SESSION_BUS_ADDRESS: `unix:path=${home}/no-bus` };
  const messages = async () => [...(await value(api.outbox.list())), ...(await value(api.sent.list()))];
  return { home, smtp, api, sendmail, env, messages };
}

/** `outbound sendmail ARGS…` with these bytes on standard input (the helper's stdin is text). */
function startCliBytes(home: string, args: string[], stdin: Buffer): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, OUTBOUND_HOME: home, DBUS_SESSION_BUS_ADDRESS: `unix:path=${home}/no-bus` };
  return new Promise((resolve) => {
    const child = execFile(OUTBOUND, ['sendmail', ...args], { env }, (error, stdout, stderr) => {
      recordTestOutput(`${stdout}\n${stderr}`);
      resolve({ code: error ? Number(error.code) : 0, stderr });
    });
    child.stdin?.end(stdin);
  });
}

describe('parseSendmailArgs', () => {
  it('reads sendmail options with attached or separate values, ignores sendmail-only ones, and stops at --', () => {
    expect(
      parseSendmailArgs(['-oi', '-oem', '-odi', '-B8BITMIME', '-bm', '-G', '-v', '-i', '-t', '-fme@x.org', '-F', 'Me', 'a@x.org', '--', '-b@x.org']),
    ).toEqual({
      recipients: ['a@x.org', '-b@x.org'],
      readRecipients: true,
      envelopeFrom: 'me@x.org',
      fromName: 'Me',
      readEnvelopeFrom: false,
      wait: false,
    });
    expect(parseSendmailArgs(['-FCronDaemon', '-r', 'me@x.org', '--account', 'work', '--wait', '--read-envelope-from'])).toMatchObject({
      fromName: 'CronDaemon',
      envelopeFrom: 'me@x.org',
      account: 'work',
      wait: true,
      readEnvelopeFrom: true,
    });
  });

  it('names an unknown option, and a value missing', () => {
    expect(() => parseSendmailArgs(['-X'])).toThrow(new UsageError('unknown option "-X".'));
    expect(() => parseSendmailArgs(['-f'])).toThrow(new UsageError('-f needs a value.'));
  });
});

describe('outbound sendmail', () => {
  it('-t -i: reads the recipients from the headers, delivers Bcc without showing it, adds From, Date and Message-ID, keeps a lone dot', async () => {
    const { home, smtp, messages } = await setUp();
    const raw = 'To: Ann <ann@example.org>\nCc: cat@example.org\nBcc: bob@example.org\nSubject: Nightly report\n\nAll good.\n.\nThe end.\n';
    const result = await cli(home, ['sendmail', '-t', '-i', 'dan@example.org'], { stdin: raw });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope).toEqual({ from: 'me@outbound.test', to: ['ann@example.org', 'cat@example.org', 'bob@example.org', 'dan@example.org'] });
    const head = received!.raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^bcc:/im);
    for (const name of ['From', 'Date', 'Message-ID', 'To', 'Subject']) expect(head.match(new RegExp(`^${name}:`, 'gim'))).toHaveLength(1);
    expect(received!.parsed.from?.text).toBe('"Me Myself" <me@outbound.test>');
    expect(received!.parsed.text).toBe('All good.\n.\nThe end.\n');
    expect(received!.raw.toString('utf8')).not.toMatch(/[^\r]\n/);
    expect(await messages()).toMatchObject([{ state: 'sent', subject: 'Nightly report', messageId: received!.parsed.messageId, submittedBy: 'sendmail' }]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('-t reads the first Resent- block when there is one; CRLF input is kept as it is', async () => {
    const { home, smtp } = await setUp();
    const raw = [
      'Resent-From: me@outbound.test',
      'Resent-To: eve@example.org',
      'Resent-Bcc: fay@example.org',
      'Resent-Date: Tue, 01 Dec 2026 09:00:00 +0000',
      'From: Ann <ann@example.org>',
      'To: me@outbound.test',
      'Subject: Forwarded',
      'Message-ID: <original@example.org>',
      'Date: Mon, 30 Nov 2026 09:00:00 +0000',
      '',
      'As it was.',
      '',
    ].join('\r\n');
    expect(await cli(home, ['sendmail', '-t', '-i'], { stdin: raw })).toMatchObject({ code: 0 });
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope.to).toEqual(['eve@example.org', 'fay@example.org']);
    expect(received!.raw.toString('utf8')).toBe(raw.replace('Resent-Bcc: fay@example.org\r\n', ''));
  });

  it('is what git send-email runs (CMD -i RCPT…): the patch arrives once, with its own From and Message-ID', async () => {
    const { home, smtp, sendmail, env } = await setUp();
    const repo = join(home, 'repo');
    const git = (...args: string[]) => run('git', ['-C', repo, ...args], { env: { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: home } });
    await run('git', ['init', '-q', repo]);
    await git('config', 'user.name', 'Me Myself');
    await git('config', 'user.email', 'me@outbound.test');
    writeFileSync(join(repo, 'README'), 'Hello.\n');
    await git('add', 'README');
    await git('commit', '-q', '-m', 'Add a README');
    await git('send-email', `--sendmail-cmd=${sendmail}`, '--to=ann@example.org', '--bcc=bob@example.org', '--confirm=never', '--suppress-cc=all', '-1');
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope.to.sort()).toEqual(['ann@example.org', 'bob@example.org']);
    expect(received!.raw.toString('utf8').split('\r\n\r\n')[0]).not.toMatch(/^bcc:/im);
    expect(received!.parsed.subject).toBe('[PATCH] Add a README');
    expect(received!.parsed.from?.value[0]?.address).toBe('me@outbound.test');
    expect(received!.parsed.messageId).toMatch(/^<.+@.+>$/);
    expect(received!.parsed.date).toBeInstanceOf(Date);
    expect(smtp.messages).toHaveLength(1);
  });

  it("is what PHP's mail() runs (sendmail_path with -t -i)", async () => {
    const { smtp, sendmail, env } = await setUp();
    const script = `exit(mail("ann@example.org", "From PHP", "Line one\\n.\\nLine three", "Cc: cat@example.org\\r\\nBcc: bob@example.org") ? 0 : 1);`;
    await run('php', ['-n', '-d', `sendmail_path=${sendmail} -t -i`, '-r', script], { env });
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope).toEqual({ from: 'me@outbound.test', to: ['ann@example.org', 'cat@example.org', 'bob@example.org'] });
    const head = received!.raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^bcc:/im);
    for (const name of ['From', 'Date', 'Message-ID', 'To', 'Cc', 'Subject']) expect(head.match(new RegExp(`^${name}:`, 'gim'))).toHaveLength(1);
    expect(received!.parsed.text).toBe('Line one\n.\nLine three\n');
    expect(smtp.messages).toHaveLength(1);
  });

  it('-f picks the account whose identity it is; --wait exits as send does', async () => {
    const { home, smtp, api } = await setUp();
    await value(
      api.accounts.save({
        name: 'lists',
        email: 'lists@outbound.test',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        identities: [{ email: 'alias@outbound.test', displayName: 'Alias' }],
      }),
    );
    const result = await cli(home, ['sendmail', '--wait', '-f', 'alias@outbound.test', '-F', 'Not Used', 'ann@example.org'], {
      stdin: 'Subject: Hi\n\nHello.\n',
    });
    expect(result.stdout).toMatch(/^Sent: 250 /m);
    expect(result.code).toBe(0);
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope.from).toBe('alias@outbound.test');
    expect(received!.parsed.from?.text).toBe('"Not Used" <alias@outbound.test>');
    expect(await value(api.sent.list())).toMatchObject([{ accountName: 'lists' }]);
  });

  it('keeps the bytes of a message in another charset exactly', async () => {
    const { home, smtp } = await setUp();
    const raw = Buffer.concat([
      Buffer.from('To: ann@example.org\r\nSubject: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nD'),
      Buffer.from([0xe9, 0x6a, 0xe0]),
      Buffer.from('\r\n'),
    ]);
    const { code } = await startCliBytes(home, ['-t'], raw);
    expect(code).toBe(0);
    const [received] = await smtp.waitForMessages(1);
    const body = received!.raw.subarray(received!.raw.indexOf('\r\n\r\n') + 4);
    expect(body).toEqual(Buffer.from([0x44, 0xe9, 0x6a, 0xe0, 0x0d, 0x0a]));
    expect(received!.raw.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]))).toBe(true);
  });

  it('--read-envelope-from takes the envelope sender, and so the account, from From', async () => {
    const { home, smtp, api } = await setUp();
    await value(api.accounts.save({ name: 'lists', email: 'lists@outbound.test', host: '127.0.0.1', port: smtp.port, security: 'none' }));
    const run = await cli(home, ['sendmail', '--read-envelope-from', 'ann@example.org'], { stdin: 'From: Lists <lists@outbound.test>\nSubject: x\n\nHi\n' });
    expect(run.code).toBe(0);
    const [received] = await smtp.waitForMessages(1);
    expect(received!.envelope.from).toBe('lists@outbound.test');
    expect(await value(api.sent.list())).toMatchObject([{ accountName: 'lists' }]);
  });

  it('exits 0 with the message queued when the server cannot be reached; --wait exits 75 then, and 1 with the reply of a refusal', async () => {
    const { home, smtp, api, messages } = await setUp();
    await smtp.close();
    server = undefined;
    const queued = await cli(home, ['sendmail', 'ann@example.org'], { stdin: 'Subject: Later\n\nHi\n' });
    expect(queued.code).toBe(0);
    expect(queued.stderr).toMatch(/^outbound: message 1 is queued/m);
    const waited = await cli(home, ['sendmail', '--wait', 'ann@example.org'], { stdin: 'Subject: Later too\n\nHi\n' });
    expect(waited.code).toBe(75);
    expect(await messages()).toMatchObject([{ state: 'queued' }, { state: 'queued' }]);
    const refusing = (server = await startSmtpServer({ rcpt: () => ({ code: 550, message: '5.1.1 No such user' }) }));
    const [account] = await value(api.accounts.list());
    await value(api.accounts.save({ id: account!.id, name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: refusing.port, security: 'none' }));
    const refused = await cli(home, ['sendmail', '--wait', 'nobody@example.org'], { stdin: 'Subject: Nobody\n\nHi\n' });
    expect(refused.stderr).toMatch(/550 5\.1\.1 No such user/);
    expect(refused.code).toBe(1);
  });

  it('without --wait, gives a server that never greets a few seconds, then exits 0 with the message queued', async () => {
    const { home, api, messages } = await setUp();
    const silent = createServer(() => undefined);
    const sockets = new Set<Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const [account] = await value(api.accounts.list());
      const { port } = silent.address() as AddressInfo;
      await value(api.accounts.save({ id: account!.id, name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port, security: 'none' }));
      const started = performance.now();
      const run = await cli(home, ['sendmail', 'ann@example.org'], { stdin: 'Subject: Slow\n\nHi\n' });
      expect(run.code).toBe(0);
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(await messages()).toMatchObject([{ state: 'queued', lastStage: 'greeting' }]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);

  it.each([
    ['empty input', [], '', 65, /The message is empty/],
    ['no recipient', [], 'Subject: x\n\nBody\n', 65, /No recipient/],
    ['a malformed address', ['-t'], 'To: ann@@example\n\nBody\n', 65, /not a valid email address/],
    ['a header line that is not a field', ['ann@example.org'], 'Subject: x\nnot a header\n\nBody\n', 65, /Line 2 of the message is not a header field/],
    ['a From name that would inject a header', ['-F', 'Me\nBcc: eve@example.org', 'ann@example.org'], 'Subject: x\n\nBody\n', 65, /single line/],
    ['an unknown option', ['-q', 'ann@example.org'], 'Subject: x\n\nBody\n', 64, /unknown option "-q"/],
    ['a delivery report that is not one', ['-N', 'always', 'ann@example.org'], 'Subject: x\n\nBody\n', 64, /-N takes "never" or a comma-separated list/],
  ])('refuses %s and queues nothing', async (_what, args, stdin, code, reason) => {
    const { home, smtp, messages } = await setUp();
    const result = await cli(home, ['sendmail', ...args], { stdin });
    expect(result.stderr).toMatch(reason);
    expect(result.code).toBe(code);
    expect(await messages()).toEqual([]);
    expect(smtp.connectionsOpened).toBe(0);
  });
});
