/** `outbound send` with --html-file, --attach (repeatable), --reply-to and --identity, in-process on a data directory. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/hosts/cli/main.ts';
import { accountFor, tempHome, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

async function cli(home: string, args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  process.env.OUTBOUND_HOME = home;
  const code = await runCli(args, {
    stdout: (s) => lines.push(s),
    stderr: (s) => lines.push(s),
    readStdin: async () => '',
    readStdinBytes: async () => Buffer.alloc(0),
  });
  return { code, out: lines.join('\n') };
}

describe('outbound send', () => {
  it('sends rich text, attachments, Reply-To and an identity', async () => {
    const home = tempHome();
    const setup = testCore(undefined, { home });
    await value(
      setup.api.accounts.save(
        accountFor(server, {
          security: 'none',
          username: '',
          passwordCommand: '',
          identities: [{ email: 'alias@outbound.test', displayName: 'Alias' }],
        }),
      ),
    );
    await setup.core.close();
    const dir = tempHome();
    const binary = randomBytes(70_000);
    writeFileSync(join(dir, 'body.html'), '<p>Hello <b>CLI</b></p><script>x()</script>');
    writeFileSync(join(dir, 'a.bin'), binary);
    writeFileSync(join(dir, 'Grüße.txt'), 'hi');

    const sent = await cli(home, [
      'send',
      '--account',
      'Work',
      '--to',
      'ann@example.org',
      '--subject',
      'From the CLI',
      '--html-file',
      join(dir, 'body.html'),
      '--attach',
      join(dir, 'a.bin'),
      '--attach',
      join(dir, 'Grüße.txt'),
      '--reply-to',
      'desk@outbound.test',
      '--identity',
      'ALIAS@outbound.test',
    ]);
    expect(sent.out).toMatch(/Sent: 250/);
    expect(sent.code).toBe(0);
    const { parsed } = server.messages.at(-1)!;
    expect(parsed.from?.value).toEqual([{ name: 'Alias', address: 'alias@outbound.test' }]);
    expect(parsed.replyTo?.value[0]?.address).toBe('desk@outbound.test');
    expect(parsed.html).toBe('<p>Hello <b>CLI</b></p>');
    expect(parsed.text?.trim()).toBe('Hello CLI');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['a.bin', 'Grüße.txt']);
    expect(parsed.attachments[0]!.content.equals(binary)).toBe(true);

    const noIdentity = await cli(home, [
      'send',
      '--account',
      'Work',
      '--to',
      'a@example.org',
      '--subject',
      'x',
      '--text',
      'x',
      '--identity',
      'who@example.org',
    ]);
    expect(noIdentity).toMatchObject({ code: 64 });
    expect(noIdentity.out).toContain('--identity "who@example.org" is not an identity of Work (identities: alias@outbound.test)');
    const missing = await cli(home, ['send', '--account', 'Work', '--to', 'a@example.org', '--subject', 'x', '--text', 'x', '--attach', join(dir, 'nope.pdf')]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('"nope.pdf" cannot be read: ENOENT');
  });
});
