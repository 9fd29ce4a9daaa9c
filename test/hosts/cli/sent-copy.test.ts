/**
 * The copy in Sent from the command line: `account add` with the IMAP flags, `send` leaves its copy
 * in Dovecot's \Sent folder before it exits, `outbox show --json` says so,
 * `account test` tests both servers.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addAccountArgs, cli, sendArgs } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { mailServersForFile, missingDovecotImap, SENT } from '../../helpers/imap.ts';

const USER = { name: 'me', pass: 's3cret pass' };
const missing = missingDovecotImap();
const servers = mailServersForFile(USER);

describe.skipIf(missing)('outbound and the copy in Sent', () => {
  it('account add --imap-host …, send (its copy made before it exits), outbox show --json, account test', async () => {
    const home = tempHome();
    const fingerprint = new X509Certificate(servers.certificate.cert).fingerprint256;
    const add = await cli(
      home,
      addAccountArgs(servers.smtp.port, [
        '--user',
        USER.name,
        '--password-command',
        `printf '%s' '${USER.pass}'`,
        '--tls-fingerprint',
        fingerprint,
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        String(servers.imap.port),
        '--imap-security',
        'starttls',
        '--sent-copy',
        'always',
      ]),
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain(`copies in Sent via 127.0.0.1:${servers.imap.port} (starttls, always)`);
    const send = await cli(home, sendArgs('From the command line'));
    expect(send.code).toBe(0);
    const show = JSON.parse((await cli(home, ['outbox', 'show', '1', '--json'])).stdout) as { messageId: string; sentCopy: unknown };
    expect(show.sentCopy).toEqual({ state: 'saved', folder: SENT, reason: null, nextTry: null });
    expect((await servers.imap.messages()).filter((m) => m.raw.includes(show.messageId))).toHaveLength(1);
    const test = await cli(home, ['account', 'test', 'work']);
    expect(test.code).toBe(0);
    expect(test.stdout).toContain(`IMAP: The IMAP server 127.0.0.1:${servers.imap.port} accepted the login; copies go to "${SENT}".`);
  });

  it('refuses IMAP flags without --imap-host, and a --sent-copy that is not a choice', async () => {
    const home = tempHome();
    const noHost = await cli(home, addAccountArgs(servers.smtp.port, ['--imap-port', '993']));
    expect(noHost.code).toBe(64);
    expect(noHost.stderr).toContain('need --imap-host');
    const wrong = await cli(home, addAccountArgs(servers.smtp.port, ['--sent-copy', 'sometimes']));
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('--sent-copy must be one of auto, always, never.');
  });
});
